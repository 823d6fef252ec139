using GpuCompute.Service.Storage;

namespace GpuCompute.Service.Security;

/// <summary><c>gpucompute-service keys create NAME | list | revoke ID [--data DIR]</c>: manages API keys in the
/// service's database (the service may be running).</summary>
public static class KeyCommand
{
    public static int Run(string[] args, string dataDirectory, TextWriter output, TextWriter error)
    {
        var keys = new ApiKeyStore(new ServiceDatabase(dataDirectory));
        switch (args)
        {
            case ["create", var name]:
                var (id, secret) = keys.Create(name);
                output.WriteLine($"created {id} ({name}); the key, shown only now:");
                output.WriteLine(secret);
                return 0;
            case ["list"]:
                foreach (var key in keys.List())
                {
                    output.WriteLine($"{key.Id}  {key.Name}  created {key.Created:u}{(key.Revoked ? "  revoked" : "")}");
                }

                return 0;
            case ["revoke", var keyId]:
                if (keys.Revoke(keyId))
                {
                    output.WriteLine($"revoked {keyId}");
                    return 0;
                }

                error.WriteLine($"error: no key {keyId}");
                return 2;
            default:
                error.WriteLine("usage: gpucompute-service keys create NAME | keys list | keys revoke ID   [--data DIR]");
                return 2;
        }
    }
}
