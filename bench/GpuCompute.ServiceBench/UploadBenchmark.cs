using System.Diagnostics;
using GpuCompute.Client;

namespace GpuCompute.ServiceBench;

/// <summary>Upload throughput over loopback beside a plain file copy of the same bytes, alternated run by run.</summary>
public static class UploadBenchmark
{
    public sealed record Result(long Bytes, int Repeat, double UploadMegabytesPerSecond, double CopyMegabytesPerSecond, double Ratio);

    public static async Task<Result> RunAsync(Uri address, string key, string scratch, long bytes, int repeat)
    {
        Directory.CreateDirectory(scratch);
        string source = Path.Combine(scratch, "upload-source.bin");
        var random = new Random(11);
        using (var file = File.Create(source))
        {
            byte[] block = new byte[1 << 20];
            for (long written = 0; written < bytes; written += block.Length)
            {
                random.NextBytes(block); // distinct bytes each run would defeat nothing: uploads hash all bytes anyway
                file.Write(block, 0, (int)Math.Min(block.Length, bytes - written));
            }
        }

        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(10) };
        var client = new GpuComputeClient(http, key);
        var uploads = new List<double>();
        var copies = new List<double>();
        for (int r = 0; r < repeat; r++)
        {
            var clock = Stopwatch.StartNew();
            await using (var stream = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, useAsync: true))
            {
                var info = await client.UploadAsync(stream);
                if (info.Bytes != bytes)
                {
                    throw new InvalidOperationException($"The service stored {info.Bytes} bytes of {bytes}.");
                }
            }

            uploads.Add(clock.Elapsed.TotalSeconds);
            string target = Path.Combine(scratch, "copy.bin");
            clock.Restart();
            using (var from = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20))
            using (var to = new FileStream(target, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            {
                from.CopyTo(to, 1 << 20);
                to.Flush(flushToDisk: true); // the service fsyncs each upload; the copy does the same
            }

            copies.Add(clock.Elapsed.TotalSeconds);
            File.Delete(target);
        }

        File.Delete(source);
        double upload = bytes / Median(uploads) / 1e6, copy = bytes / Median(copies) / 1e6;
        return new Result(bytes, repeat, upload, copy, upload / copy);
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }
}
