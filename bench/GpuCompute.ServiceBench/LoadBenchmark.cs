using System.Collections.Concurrent;
using System.Diagnostics;
using GpuCompute.Client;

namespace GpuCompute.ServiceBench;

/// <summary>Many small GEMM jobs from concurrent clients, each with its own key, over real loopback TCP: every job
/// is submitted (one in ten twice, as a client retrying with the same idempotency key), followed to its end over
/// server-sent events, downloaded and verified; then the jobs are counted against what the service stored.</summary>
public static class LoadBenchmark
{
    public sealed record Result(int Jobs, int Clients, int Size, double Seconds, double JobsPerSecond, double P50Ms, double P99Ms, double MaxMs, int Distinct, int Stored, int Retried, int Failed, double WorstError);

    public static async Task<Result> RunAsync(Uri address, IReadOnlyList<string> keys, int jobs, int size)
    {
        int clients = keys.Count;
        var latencies = new ConcurrentBag<double>();
        var ids = new ConcurrentDictionary<string, int>();
        int next = -1, retried = 0, failed = 0;
        double worst = 0;
        var worstLock = new Lock();
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(5) };
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
        {
            var client = new GpuComputeClient(http, keys[c]);
            float[] a = ResultCheck.Random<float>((long)size * size, 100 + c), b = ResultCheck.Random<float>((long)size * size, 200 + c);
            var ua = await client.UploadAsync<float>(a);
            var ub = await client.UploadAsync<float>(b);
            var request = new JobRequest
            {
                Operation = "gemm",
                Operands = new Dictionary<string, OperandRef> { ["a"] = OperandRef.Uploaded(ua.Id, size, size), ["b"] = OperandRef.Uploaded(ub.Id, size, size) },
            };
            int checkedOne = 0;
            for (int i = Interlocked.Increment(ref next); i < jobs; i = Interlocked.Increment(ref next))
            {
                var started = Stopwatch.GetTimestamp();
                string idempotency = $"load-{c}-{i}";
                var job = await client.SubmitAsync(request, idempotency);
                if (i % 10 == 0)
                {
                    var again = await client.SubmitAsync(request, idempotency);
                    Interlocked.Increment(ref retried);
                    if (again.Id != job.Id)
                    {
                        throw new InvalidOperationException($"A retried submit made a second job ({again.Id} besides {job.Id}).");
                    }
                }

                var done = await client.WaitAsync(job.Id);
                if (done.State != JobState.Succeeded)
                {
                    Interlocked.Increment(ref failed);
                    continue;
                }

                float[] result = await client.DownloadResultAsync<float>(job.Id);
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                ids[job.Id] = i;
                if (checkedOne++ % 16 == 0)
                {
                    var (error, tolerance) = ResultCheck.Gemm(a, b, result, size, size, size, seed: i);
                    if (!(error <= tolerance))
                    {
                        throw new InvalidOperationException($"Job {job.Id}: relative error {error:E2} over {tolerance:E2}.");
                    }

                    lock (worstLock)
                    {
                        worst = Math.Max(worst, error);
                    }
                }
            }
        }));
        double seconds = clock.Elapsed.TotalSeconds;
        int stored = 0;
        foreach (string key in keys)
        {
            stored += (await new GpuComputeClient(http, key).ListJobsAsync(1000)).Count;
        }

        double[] sorted = [.. latencies.Order()];
        return new Result(
            jobs, clients, size, seconds, ids.Count / seconds, Percentile(sorted, 0.5), Percentile(sorted, 0.99), sorted.LastOrDefault(),
            ids.Count, stored, retried, failed, worst);
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
