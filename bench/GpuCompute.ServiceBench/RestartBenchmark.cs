using System.Diagnostics;
using GpuCompute.Client;

namespace GpuCompute.ServiceBench;

/// <summary>A long GEMM job, the service killed (SIGKILL) in the middle of it and started again on the same data:
/// the job must run again and finish with a verified result.</summary>
public static class RestartBenchmark
{
    public sealed record Result(int Size, string Precision, double KilledAfterSeconds, double RestartSeconds, double TotalSeconds, double JobSeconds, int Attempts, double Error, double Tolerance, bool Verified);

    /// <summary>Runs the scenario with an n³ f64 GEMM; the service is killed <paramref name="killAfter"/> into it.</summary>
    public static async Task<Result> RunAsync(string dataDirectory, int size, TimeSpan killAfter, IEnumerable<string>? serviceArguments = null)
    {
        string[] extra = [.. serviceArguments ?? []];
        string key = ServiceProcess.CreateKey(dataDirectory, "restart");
        var service = await ServiceProcess.StartAsync(dataDirectory, arguments: extra);
        int port = service.Address.Port;
        using var http = new HttpClient { BaseAddress = service.Address, Timeout = TimeSpan.FromMinutes(30) };
        var client = new GpuComputeClient(http, key);
        double[] a = ResultCheck.Random<double>((long)size * size, 1), b = ResultCheck.Random<double>((long)size * size, 2);
        var ua = await client.UploadAsync<double>(a);
        var ub = await client.UploadAsync<double>(b);
        var job = await client.SubmitAsync(new JobRequest
        {
            Operation = "gemm",
            Precision = "f64",
            Operands = new Dictionary<string, OperandRef> { ["a"] = OperandRef.Uploaded(ua.Id, size, size), ["b"] = OperandRef.Uploaded(ub.Id, size, size) },
        });
        var total = Stopwatch.StartNew();
        while ((await client.GetJobAsync(job.Id)).State == JobState.Queued)
        {
            await Task.Delay(10);
        }

        var running = Stopwatch.StartNew();
        await Task.Delay(killAfter);
        if ((await client.GetJobAsync(job.Id)).State != JobState.Running)
        {
            throw new InvalidOperationException($"The job finished within {killAfter.TotalSeconds} s: make it larger than {size}³.");
        }

        double killedAfter = running.Elapsed.TotalSeconds;
        service.Kill();
        var restart = Stopwatch.StartNew();
        using var again = await ServiceProcess.StartAsync(dataDirectory, port, extra);
        double restartSeconds = restart.Elapsed.TotalSeconds;
        var done = await client.WaitAsync(job.Id);
        double totalSeconds = total.Elapsed.TotalSeconds;
        service.Dispose();
        if (done.State != JobState.Succeeded)
        {
            throw new InvalidOperationException($"After the restart the job ended {done.State}: {done.Error}");
        }

        double[] c = await client.DownloadResultAsync<double>(job.Id);
        var (error, tolerance) = ResultCheck.Gemm(a, b, c, size, size, size);
        return new Result(size, "f64", killedAfter, restartSeconds, totalSeconds, done.Report?.Seconds ?? 0, done.Attempts, error, tolerance, error <= tolerance);
    }
}
