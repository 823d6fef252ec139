using System.Diagnostics;
using GpuCompute.Client;
using GpuCompute.ServiceBench;
using NUnit.Framework;

namespace GpuCompute.Service.Tests;

/// <summary>The dashboard in a real browser (headless Chromium) against a running service: it must show the devices,
/// the key's jobs with their states, and the timeline of a finished job.</summary>
[TestFixture]
[NonParallelizable]
public sealed class DashboardTests
{
    [Test]
    public async Task Dashboard_InHeadlessChromium_ShowsDevicesJobsAndTimeline()
    {
        string? chromium = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }.FirstOrDefault(File.Exists);
        if (chromium is null)
        {
            Assert.Ignore("No Chromium here (apt-get install chromium); .ci/run installs it.");
        }

        string data = Path.Combine(Path.GetTempPath(), $"gpucompute-dashboard-tests-{Guid.NewGuid():N}");
        try
        {
            string key = ServiceProcess.CreateKey(data, "dashboard");
            using var service = await ServiceProcess.StartAsync(data);
            using var http = new HttpClient { BaseAddress = service.Address };
            var client = new GpuComputeClient(http, key);
            var done = await client.WaitAsync((await client.SubmitAsync(Requests.Gemm(
                OperandRef.Inline(Requests.Random(300 * 200, 1), 300, 200), OperandRef.Inline(Requests.Random(200 * 100, 2), 200, 100)))).Id);
            Assert.That(done.State, Is.EqualTo(JobState.Succeeded));
            var failedOnPurpose = await client.SubmitAsync(Requests.Gemm(OperandRef.Inline(Requests.Random(4, 1), 2, 2), OperandRef.Inline(Requests.Random(4, 2), 2, 2)));
            await client.WaitAsync(failedOnPurpose.Id);

            string dom = await DumpDomAsync(chromium, new Uri(service.Address, $"/#key={key}"));
            Assert.That(dom, Does.Contain("data-device-id=\"cpu\""), dom);
            Assert.That(dom, Does.Contain($"data-job-id=\"{done.Id}\" data-state=\"succeeded\""));
            Assert.That(dom, Does.Contain($"data-job-id=\"{failedOnPurpose.Id}\""));
            Assert.That(dom, Does.Contain("class=\"span\" data-device=\"cpu\""), "the timeline has a bar for the CPU's tile");
            Assert.That(dom, Does.Contain("Connected: 2 recent job(s)"));
            Assert.That(dom, Does.Not.Contain(key), "the key is not left in the page");

            string wrong = await DumpDomAsync(chromium, new Uri(service.Address, "/#key=gck_wrong"));
            Assert.That(wrong, Does.Contain("Cannot connect: 401"));
        }
        finally
        {
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }

    /// <summary>The page's DOM after its scripts ran (Chromium's virtual time lets fetches and timers settle).</summary>
    private static async Task<string> DumpDomAsync(string chromium, Uri page)
    {
        var start = new ProcessStartInfo(chromium)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string profile = Path.Combine(Path.GetTempPath(), $"gpucompute-chromium-{Guid.NewGuid():N}");
        foreach (string argument in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", $"--user-data-dir={profile}", "--virtual-time-budget=10000", "--dump-dom", page.ToString() })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        Directory.Delete(profile, recursive: true);
        return await output;
    }
}
