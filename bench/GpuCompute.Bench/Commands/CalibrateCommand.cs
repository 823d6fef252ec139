using System.CommandLine;
using System.Globalization;
using GpuCompute.Scheduling;
using Spectre.Console;

namespace GpuCompute.Bench.Commands;

/// <summary><c>calibrate</c>: measures every selected device's performance model now and stores it for later runs.</summary>
internal static class CalibrateCommand
{
    private static readonly Option<string?> DeviceListOption = new("--devices") { Description = "Devices to calibrate (default: GPUCOMPUTE_DEVICES, else every CPU and GPU device)." };

    public static Command Create()
    {
        var command = new Command("calibrate", "Measure each device's GEMM throughput and transfer costs, and store them for the scheduler.")
        {
            DeviceListOption,
        };
        command.SetAction(parse =>
        {
            using var engine = new ComputeEngine(new ComputeEngineOptions
            {
                Devices = parse.GetValue(DeviceListOption),
            });
            IReadOnlyList<DeviceCalibration> results = engine.Calibrate();
            var table = new Table().AddColumns("device", "precision", "GFLOP/s", "bandwidth GB/s", "latency µs");
            foreach (DeviceCalibration r in results)
            {
                table.AddRow(
                    Markup.Escape($"{r.DeviceId}: {r.Name}"),
                    r.Precision,
                    r.Gflops.ToString("F1", CultureInfo.InvariantCulture),
                    r.BandwidthBytesPerSecond is double bw ? (bw / 1e9).ToString("F1", CultureInfo.InvariantCulture) : "host memory",
                    (r.LatencySeconds * 1e6).ToString("F0", CultureInfo.InvariantCulture));
            }

            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine($"stored in {Markup.Escape(ModelStore.DefaultPath)} (unless ComputeEngineOptions.ModelCachePath says otherwise)");
            return 0;
        });
        return command;
    }
}
