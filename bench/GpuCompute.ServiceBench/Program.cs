using System.Globalization;
using System.Text.Json;

// gpucompute service benchmarks, each against the service as a real process on loopback:
//   load    [--jobs 1000] [--clients 16] [--size 256]
//   upload  [--mb 512] [--repeat 5]
//   restart [--size 14336] [--kill-after 15]
// Each prints one JSON object with its figures (and exits 1 when a result does not verify).
namespace GpuCompute.ServiceBench;

/// <summary>The entry point (a named class, so test projects that also reference the service see one <c>Program</c>).</summary>
internal static class BenchProgram
{
    public static async Task<int> Main(string[] args)
    {
        string command = args.Length > 0 ? args[0] : "load";
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 1; i + 1 < args.Length; i += 2)
        {
            options[args[i]] = args[i + 1];
        }

        int Int(string name, int fallback) => options.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        string data = Path.Combine(Path.GetTempPath(), $"gpucompute-servicebench-{Guid.NewGuid():N}");
        var json = new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
        try
        {
            object result;
            bool verified = true;
            switch (command)
            {
                case "load":
                {
                    int clients = Int("--clients", 16);
                    string[] keys = [.. Enumerable.Range(0, clients).Select(c => ServiceProcess.CreateKey(data, $"client-{c}"))];
                    using var service = await ServiceProcess.StartAsync(data);
                    var load = await LoadBenchmark.RunAsync(service.Address, keys, Int("--jobs", 1000), Int("--size", 256));
                    verified = load.Failed == 0 && load.Distinct == load.Jobs && load.Stored == load.Jobs;
                    result = load;
                    break;
                }

                case "upload":
                {
                    string key = ServiceProcess.CreateKey(data, "upload");
                    using var service = await ServiceProcess.StartAsync(data);
                    result = await UploadBenchmark.RunAsync(service.Address, key, Path.Combine(data, "scratch"), (long)Int("--mb", 512) << 20, Int("--repeat", 5));
                    break;
                }

                case "restart":
                {
                    var restart = await RestartBenchmark.RunAsync(data, Int("--size", 14336), TimeSpan.FromSeconds(Int("--kill-after", 15)));
                    verified = restart.Verified && restart.Attempts == 2;
                    result = restart;
                    break;
                }

                default:
                    Console.Error.WriteLine($"error: unknown command '{command}'; the commands are load, upload, restart");
                    return 2;
            }

            Console.WriteLine(JsonSerializer.Serialize(result, result.GetType(), json));
            return verified ? 0 : 1;
        }
        finally
        {
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (IOException)
            {
                // A killed process may still hold a file for a moment; the directory is in the temp folder.
            }
        }
    }
}
