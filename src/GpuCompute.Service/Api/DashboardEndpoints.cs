namespace GpuCompute.Service.Api;

/// <summary>The dashboard: a static page (embedded in the assembly, so the dotnet tool carries it) that reads the API
/// with the key the user gives it. The page holds no data, so it needs no key itself.</summary>
public static class DashboardEndpoints
{
    private static readonly Dictionary<string, (string Resource, string ContentType)> Files = new(StringComparer.Ordinal)
    {
        ["/"] = ("Dashboard.index.html", "text/html; charset=utf-8"),
        ["/dashboard.js"] = ("Dashboard.dashboard.js", "text/javascript; charset=utf-8"),
        ["/dashboard.css"] = ("Dashboard.dashboard.css", "text/css; charset=utf-8"),
    };

    public static void Map(WebApplication app)
    {
        foreach (var (path, (resource, contentType)) in Files)
        {
            byte[] content = Read(resource);
            app.MapGet(path, () => TypedResults.Bytes(content, contentType)).AllowAnonymous().ExcludeFromDescription();
        }
    }

    private static byte[] Read(string resource)
    {
        using var stream = typeof(DashboardEndpoints).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The dashboard file {resource} is not embedded in the service.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
