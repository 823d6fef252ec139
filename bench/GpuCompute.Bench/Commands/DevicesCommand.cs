using System.CommandLine;
using GpuCompute.Backends;
using Spectre.Console;

namespace GpuCompute.Bench.Commands;

/// <summary><c>devices</c>: every device found, with kind, memory and whether it is used by default.</summary>
internal static class DevicesCommand
{
    public static Command Create()
    {
        var command = new Command("devices", "List the devices found, with kind, memory and whether they are used by default.");
        command.SetAction(_ =>
        {
            // 'default' finds every CPU and GPU device; the emulator is listed too, though only used when named.
            using var engine = new ComputeEngine(new ComputeEngineOptions { Devices = "default,ilgpu-cpu" });
            var table = new Table().AddColumns("id", "name", "kind", "memory", "default");
            foreach (ComputeDevice device in engine.Devices)
            {
                table.AddRow(
                    Markup.Escape(device.Id),
                    Markup.Escape(device.Name),
                    device.Kind.ToString(),
                    $"{device.MemoryBytes / (1024.0 * 1024 * 1024):F1} GiB",
                    device.IsUsedByDefault ? "yes" : "no (name it: ilgpu-cpu)");
            }

            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }
}
