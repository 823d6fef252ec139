using System.Text.Json;

namespace GpuCompute.Scheduling;

/// <summary>
/// Writes a <see cref="GemmReport"/>'s tile runs as Chrome trace-event JSON, which Perfetto (ui.perfetto.dev) and
/// chrome://tracing draw as a timeline with one row per device.
/// </summary>
public static class ChromeTrace
{
    /// <summary>Writes every tile of <paramref name="report"/> as a complete ("X") event on its device's row.</summary>
    public static void Write(GemmReport report, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(stream);
        using Utf8JsonWriter json = Begin(report.Devices, stream);
        foreach (TileRecord record in report.Trace)
        {
            int row = Row(report.Devices, record.DeviceId);
            json.WriteStartObject();
            json.WriteString("name", record.Failed ? "failed tile" : $"tile ({record.Tile.Row}, {record.Tile.Col})");
            json.WriteString("cat", "gemm");
            json.WriteString("ph", "X");
            json.WriteNumber("pid", 1);
            json.WriteNumber("tid", row);
            json.WriteNumber("ts", record.StartSeconds * 1e6);
            json.WriteNumber("dur", (record.EndSeconds - record.StartSeconds) * 1e6);
            json.WriteStartObject("args");
            json.WriteNumber("rows", record.Tile.Rows);
            json.WriteNumber("cols", record.Tile.Cols);
            json.WriteNumber("k", report.K);
            json.WriteNumber("bytes", record.Bytes);
            json.WriteBoolean("failed", record.Failed);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        End(json);
    }

    /// <summary>Writes every part of a device-resident operation's <paramref name="report"/> as a complete ("X") event on
    /// its device's row.</summary>
    public static void Write(OperationReport report, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(stream);
        using Utf8JsonWriter json = Begin(report.Devices, stream);
        foreach (WorkItemRecord record in report.Trace)
        {
            json.WriteStartObject();
            json.WriteString("name", record.Failed ? $"failed {record.Item}" : record.Item);
            json.WriteString("cat", report.Operation);
            json.WriteString("ph", "X");
            json.WriteNumber("pid", 1);
            json.WriteNumber("tid", Row(report.Devices, record.DeviceId));
            json.WriteNumber("ts", record.StartSeconds * 1e6);
            json.WriteNumber("dur", (record.EndSeconds - record.StartSeconds) * 1e6);
            json.WriteStartObject("args");
            json.WriteNumber("bytes", record.Bytes);
            json.WriteBoolean("failed", record.Failed);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        End(json);
    }

    /// <summary>Opens the document and names one row per device.</summary>
    private static Utf8JsonWriter Begin(IReadOnlyList<DeviceShare> devices, Stream stream)
    {
        var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false });
        json.WriteStartObject();
        json.WriteString("displayTimeUnit", "ms");
        json.WriteStartArray("traceEvents");
        for (int d = 0; d < devices.Count; d++)
        {
            DeviceShare device = devices[d];
            json.WriteStartObject();
            json.WriteString("name", "thread_name");
            json.WriteString("ph", "M");
            json.WriteNumber("pid", 1);
            json.WriteNumber("tid", d);
            json.WriteStartObject("args");
            json.WriteString("name", $"{device.DeviceId}: {device.Name}");
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return json;
    }

    private static void End(Utf8JsonWriter json)
    {
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static int Row(IReadOnlyList<DeviceShare> devices, string id) =>
        Enumerable.Range(0, devices.Count).FirstOrDefault(d => devices[d].DeviceId == id);
}
