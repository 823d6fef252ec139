using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using GpuCompute.Bench.Inputs;
using GpuCompute.Bench.Kernels;
using GpuCompute.Data;
using GpuCompute.Matrices;
using Spectre.Console;

namespace GpuCompute.Bench.Commands;

/// <summary>
/// <c>mlp</c>: an MLP forward pass, H ← ReLU(H·W + b) for each layer (f32), run two ways, interleaved: on device-resident
/// matrices (device GEMM, then the bias/ReLU user kernel in place, the result copied to the host once at the end), and
/// through host matrices (host GEMM, then the activation on an uploaded copy copied back, every layer). Sampled rows
/// are checked against a double-precision reference.
/// </summary>
internal static class MlpCommand
{
    private const int Seed = 4242;

    private static readonly Option<int> BatchOption = new("--batch") { Description = "Rows of the input (default 4096).", DefaultValueFactory = _ => 4096 };
    private static readonly Option<int> WidthOption = new("--width") { Description = "Width of every layer (default 4096).", DefaultValueFactory = _ => 4096 };
    private static readonly Option<int> LayersOption = new("--layers") { Description = "Layers (default 3).", DefaultValueFactory = _ => 3 };
    private static readonly Option<string?> DeviceListOption = new("--devices") { Description = "Devices, e.g. cpu or cuda,cpu (default: GPUCOMPUTE_DEVICES, else every CPU and GPU device)." };
    private static readonly Option<int> RepeatOption = new("--repeat") { Description = "Timed runs of each chain, interleaved, after one warm-up each.", DefaultValueFactory = _ => 3 };
    private static readonly Option<bool> JsonOption = new("--json") { Description = "Print exactly one JSON object." };

    public static Command Create()
    {
        var command = new Command("mlp", "Time an MLP forward pass on device-resident matrices against the same chain through host matrices.")
        {
            BatchOption, WidthOption, LayersOption, DeviceListOption, RepeatOption, JsonOption,
        };
        command.SetAction(parse =>
        {
            int batch = parse.GetValue(BatchOption), width = parse.GetValue(WidthOption), layers = parse.GetValue(LayersOption);
            if (batch < 1 || width < 1 || layers is < 1 or > 64)
            {
                throw new UsageException($"--batch and --width must be at least 1 and --layers between 1 and 64; got {batch}, {width}, {layers}.");
            }

            Shape.CheckHostable(batch, width, width);
            return Run(batch, width, layers, parse.GetValue(DeviceListOption), Shape.Repeat(parse.GetValue(RepeatOption)), parse.GetValue(JsonOption));
        });
        return command;
    }

    private static int Run(int batch, int width, int layers, string? devices, int repeat, bool json)
    {
        using var engine = new ComputeEngine(new ComputeEngineOptions { Devices = devices });
        var random = new Random(Seed);
        HostMatrix<float> x = RandomMatrices.Create<float>(batch, width, random);
        float scale = 1f / MathF.Sqrt(width); // keeps activations of order one through the layers
        HostMatrix<float>[] weights = Enumerable.Range(0, layers).Select(_ => Scaled(RandomMatrices.Create<float>(width, width, random), scale)).ToArray();
        float[][] biases = Enumerable.Range(0, layers).Select(_ => RandomMatrices.Create<float>(1, width, random).Data).ToArray();

        // Device-resident operands, uploaded once: the input and every hidden layer split by rows, weights and biases too.
        using DeviceMatrix<float> input = engine.UploadMatrix(x);
        DeviceMatrix<float>[] deviceWeights = weights.Select(w => engine.UploadMatrix(w)).ToArray();
        DeviceVector<float>[] deviceBiases = biases.Select(b => engine.UploadVector<float>(b)).ToArray();
        using DeviceMatrix<float> ping = engine.AllocateMatrix<float>(batch, width, input.Layout), pong = engine.AllocateMatrix<float>(batch, width, input.Layout);
        try
        {
            HostMatrix<float> Device()
            {
                DeviceMatrix<float> h = input;
                for (int l = 0; l < layers; l++)
                {
                    DeviceMatrix<float> next = l % 2 == 0 ? ping : pong;
                    engine.Gemm(h, deviceWeights[l], next);
                    DeviceVector<float> bias = deviceBiases[l];
                    engine.For2D(next.Layout, width, part => new BiasReluKernel(part.View(next), part.Whole(bias)));
                    h = next;
                }

                return h.ToHostMatrix();
            }

            HostMatrix<float> Host()
            {
                HostMatrix<float> h = x;
                for (int l = 0; l < layers; l++)
                {
                    var next = new HostMatrix<float>(batch, width);
                    engine.Gemm(h, weights[l], next);
                    using DeviceMatrix<float> staged = engine.UploadMatrix(next);
                    DeviceVector<float> bias = deviceBiases[l];
                    engine.For2D(staged.Layout, width, part => new BiasReluKernel(part.View(staged), part.Whole(bias)));
                    staged.CopyToHost(next.Data);
                    h = next;
                }

                return h;
            }

            HostMatrix<float> fromDevice = Device(), fromHost = Host(); // warm-up: kernels, JIT, first touch
            var deviceSeconds = new double[repeat];
            var hostSeconds = new double[repeat];
            for (int r = 0; r < repeat; r++)
            {
                deviceSeconds[r] = Time(() => fromDevice = Device());
                hostSeconds[r] = Time(() => fromHost = Host());
            }

            (double error, double tolerance) = Check(x, weights, biases, fromDevice, fromHost);
            bool verified = error <= tolerance;
            double flops = 2.0 * batch * width * width * layers;
            double device = Median(deviceSeconds), host = Median(hostSeconds);
            if (json)
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    batch,
                    width,
                    layers,
                    precision = "f32",
                    devices = engine.Devices.Select(d => d.Id).ToArray(),
                    device_resident_seconds = device,
                    host_matrices_seconds = host,
                    speedup = host / device,
                    device_resident_gflops = flops / device / 1e9,
                    host_matrices_gflops = flops / host / 1e9,
                    rel_error = error,
                    tolerance,
                    verified,
                    repeat,
                    device_run_seconds = deviceSeconds,
                    host_run_seconds = hostSeconds,
                }));
            }
            else
            {
                AnsiConsole.MarkupLine($"[bold]MLP forward[/]  batch {batch}, {layers} layers of {width}, f32, on {string.Join(", ", engine.Devices.Select(d => d.Id))}");
                AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"device-resident chain: median {device:F4} s ({flops / device / 1e9:F1} GFLOP/s)"));
                AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"host-matrix chain:     median {host:F4} s ({flops / host / 1e9:F1} GFLOP/s)"));
                AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"device-resident is {host / device:F2}x the host-matrix chain (medians of {repeat}, interleaved)"));
                AnsiConsole.MarkupLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"check (sampled rows, double-precision reference): rel_error {error:E2} (tolerance {tolerance:E2}) {(verified ? "[green]verified[/]" : "[red]NOT VERIFIED[/]")}"));
            }

            return verified ? 0 : 1;
        }
        finally
        {
            Array.ForEach(deviceWeights, w => w.Dispose());
            Array.ForEach(deviceBiases, b => b.Dispose());
        }
    }

    /// <summary>Both chains' outputs against a double-precision forward pass of 8 sampled rows: the largest error relative
    /// to the row's magnitude, and a tolerance of 16·u·√width per layer.</summary>
    private static (double Error, double Tolerance) Check(HostMatrix<float> x, HostMatrix<float>[] weights, float[][] biases, HostMatrix<float> device, HostMatrix<float> host)
    {
        int width = x.Cols;
        double worst = 0;
        var random = new Random(Seed + 1);
        for (int s = 0; s < 8; s++)
        {
            int row = random.Next(x.Rows);
            double[] h = x.Row(row).ToArray().Select(v => (double)v).ToArray();
            for (int l = 0; l < weights.Length; l++)
            {
                var next = new double[width];
                for (int k = 0; k < width; k++)
                {
                    Span<float> w = weights[l].Row(k);
                    for (int j = 0; j < width; j++)
                    {
                        next[j] += h[k] * w[j];
                    }
                }

                h = next.Select((v, j) => Math.Max(v + biases[l][j], 0)).ToArray();
            }

            double magnitude = Math.Max(1e-30, h.Max(Math.Abs));
            for (int j = 0; j < width; j++)
            {
                worst = Math.Max(worst, Math.Max(Math.Abs(device[row, j] - h[j]), Math.Abs(host[row, j] - h[j])) / magnitude);
            }
        }

        return (worst, 16 * 5.96e-8 * Math.Sqrt(width) * weights.Length);
    }

    private static HostMatrix<float> Scaled(HostMatrix<float> matrix, float factor)
    {
        System.Numerics.Tensors.TensorPrimitives.Multiply(matrix.Data, factor, matrix.Data);
        return matrix;
    }

    private static double Time(Action run)
    {
        long start = Stopwatch.GetTimestamp();
        run();
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    private static double Median(double[] values) => values.Order().ElementAt(values.Length / 2);
}
