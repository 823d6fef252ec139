using GpuCompute.Backends;
using GpuCompute.Matrices;
using GpuCompute.Scheduling;
using GpuCompute.Tasks;
using NUnit.Framework;

namespace GpuCompute.Tests.Tasks;

/// <summary>The task-graph runtime on synthetic graphs: dependencies inferred from data accesses in program order
/// (read after write, write after read, write after write), critical-path priorities, and the dispatcher's rules
/// (eligibility, re-running a failed device's task, giving up when no live device may run what is left, and the next task
/// set aside, with its tiles brought ahead, for a device whose copies overlap its computing).</summary>
public sealed class TaskGraphTests
{
    private static GraphTask Task(string name, double flops, params (int, DataAccess)[] accesses) =>
        new(name, flops, accesses, _ => true, (_, _) => { });

    [Test]
    public void Add_ReadAfterWrite_WaitsForTheWriter()
    {
        var graph = new TaskGraph();
        int w = graph.Add(Task("w", 1, (7, DataAccess.Write)));
        int r = graph.Add(Task("r", 1, (7, DataAccess.Read)));
        Assert.That(graph.Predecessors(r), Is.EquivalentTo(new[] { w }));
        Assert.That(graph.Successors(w), Is.EquivalentTo(new[] { r }));
    }

    [Test]
    public void Add_WriteAfterRead_WaitsForEveryReaderSinceTheLastWrite()
    {
        var graph = new TaskGraph();
        int w0 = graph.Add(Task("w0", 1, (1, DataAccess.Write)));
        int r1 = graph.Add(Task("r1", 1, (1, DataAccess.Read)));
        int r2 = graph.Add(Task("r2", 1, (1, DataAccess.Read)));
        int w3 = graph.Add(Task("w3", 1, (1, DataAccess.Write)));
        int r4 = graph.Add(Task("r4", 1, (1, DataAccess.Read)));
        Assert.That(graph.Predecessors(r2), Is.EquivalentTo(new[] { w0 }), "readers do not wait for each other");
        Assert.That(graph.Predecessors(w3), Is.EquivalentTo(new[] { w0, r1, r2 }));
        Assert.That(graph.Predecessors(r4), Is.EquivalentTo(new[] { w3 }), "only the last writer counts");
    }

    [Test]
    public void Add_WriteAfterWrite_AndReadWriteChains_AreOrdered()
    {
        var graph = new TaskGraph();
        int a = graph.Add(Task("a", 1, (1, DataAccess.Write)));
        int b = graph.Add(Task("b", 1, (1, DataAccess.Write)));
        int c = graph.Add(Task("c", 1, (1, DataAccess.ReadWrite), (2, DataAccess.Read)));
        int d = graph.Add(Task("d", 1, (2, DataAccess.ReadWrite)));
        int e = graph.Add(Task("e", 1, (1, DataAccess.ReadWrite), (1, DataAccess.Read)));
        Assert.That(graph.Predecessors(b), Is.EquivalentTo(new[] { a }));
        Assert.That(graph.Predecessors(c), Is.EquivalentTo(new[] { b }));
        Assert.That(graph.Predecessors(d), Is.EquivalentTo(new[] { c }), "write after read on handle 2");
        Assert.That(graph.Predecessors(e), Is.EquivalentTo(new[] { c }), "a task never waits for itself");
    }

    [Test]
    public void CriticalPath_IsTheCostliestChainFromEachTask()
    {
        // a → b → d and a → c → d, with c heavier: a's priority goes through c.
        var graph = new TaskGraph();
        graph.Add(Task("a", 1, (1, DataAccess.Write), (2, DataAccess.Write)));
        graph.Add(Task("b", 2, (1, DataAccess.ReadWrite)));
        graph.Add(Task("c", 5, (2, DataAccess.ReadWrite)));
        graph.Add(Task("d", 1, (1, DataAccess.Read), (2, DataAccess.Read)));
        Assert.That(graph.CriticalPath(), Is.EqualTo(new double[] { 7, 3, 6, 1 }));
    }

    [Test]
    public void Dispatcher_HandsReadyTasksByPriority_OnlyToDevicesThatMayRunThem()
    {
        using var cpu = new StubDevice("cpu", hostMemory: true);
        using var gpu = new StubDevice("gpu", hostMemory: false);
        var graph = new TaskGraph();
        int low = graph.Add(new GraphTask("low", 1, [(1, DataAccess.Write)], _ => true, (_, _) => { }));
        int high = graph.Add(new GraphTask("high", 10, [(2, DataAccess.Write)], d => d.ComputesInHostMemory, (_, _) => { }));
        int after = graph.Add(new GraphTask("after", 1, [(1, DataAccess.Read), (2, DataAccess.Read)], _ => true, (_, _) => { }));
        var dispatcher = new TaskGraphDispatcher(graph, [cpu, gpu]);

        Assert.That(dispatcher.TryTake(1, out int forGpu), Is.EqualTo(TakeResult.Item));
        Assert.That(forGpu, Is.EqualTo(low), "the GPU may not run 'high'");
        Assert.That(dispatcher.TryTake(0, out int forCpu), Is.EqualTo(TakeResult.Item));
        Assert.That(forCpu, Is.EqualTo(high));
        Assert.That(dispatcher.TryTake(1, out _), Is.EqualTo(TakeResult.Wait), "'after' waits for both");
        dispatcher.Complete(1, low, 0.1);
        Assert.That(dispatcher.TryTake(1, out _), Is.EqualTo(TakeResult.Wait));
        dispatcher.Complete(0, high, 1.0); // as fast as the GPU (10 flops/s): neither would finish 'after' sooner
        Assert.That(dispatcher.TryTake(1, out int last), Is.EqualTo(TakeResult.Item));
        Assert.That(last, Is.EqualTo(after));
        dispatcher.Complete(1, after, 0.1);
        Assert.That(dispatcher.IsComplete, Is.True);
        Assert.That(dispatcher.TryTake(0, out _), Is.EqualTo(TakeResult.Finished));
    }

    [Test]
    public void Dispatcher_FailedDevicesTask_GoesToAnother_OrEndsWhenNoneMayRunIt()
    {
        using var cpu = new StubDevice("cpu", hostMemory: true);
        using var gpu = new StubDevice("gpu", hostMemory: false);
        var graph = new TaskGraph();
        int any = graph.Add(new GraphTask("any", 1, [(1, DataAccess.Write)], _ => true, (_, _) => { }));
        int cpuOnly = graph.Add(new GraphTask("cpu-only", 1, [(1, DataAccess.ReadWrite)], d => d.ComputesInHostMemory, (_, _) => { }));
        var dispatcher = new TaskGraphDispatcher(graph, [cpu, gpu]);

        Assert.That(dispatcher.TryTake(1, out int first), Is.EqualTo(TakeResult.Item));
        dispatcher.Fail(1, first);
        Assert.That(dispatcher.TryTake(1, out _), Is.EqualTo(TakeResult.Finished), "a failed device takes nothing more");
        Assert.That(dispatcher.TryTake(0, out int again), Is.EqualTo(TakeResult.Item));
        Assert.That(again, Is.EqualTo(any), "the failed device's task runs on the other");
        Assert.That(dispatcher.TryTake(0, out _), Is.EqualTo(TakeResult.Wait));
        dispatcher.Fail(0, again);
        Assert.That(dispatcher.AllFailed, Is.True);
        Assert.That(dispatcher.IsComplete, Is.False);
        Assert.That(cpuOnly, Is.EqualTo(1));
    }

    [Test]
    public void Dispatcher_NoLiveDeviceMayRunWhatIsLeft_TellsEveryoneToFinish()
    {
        using var cpu = new StubDevice("cpu", hostMemory: true);
        using var gpu = new StubDevice("gpu", hostMemory: false);
        var graph = new TaskGraph();
        graph.Add(new GraphTask("cpu-only", 1, [(1, DataAccess.Write)], d => d.ComputesInHostMemory, (_, _) => { }));
        graph.Add(new GraphTask("any", 1, [(1, DataAccess.Read)], _ => true, (_, _) => { }));
        var dispatcher = new TaskGraphDispatcher(graph, [cpu, gpu]);
        Assert.That(dispatcher.TryTake(0, out int t), Is.EqualTo(TakeResult.Item));
        Assert.That(dispatcher.TryTake(1, out _), Is.EqualTo(TakeResult.Wait), "the CPU may still finish it");
        dispatcher.Fail(0, t);
        Assert.That(dispatcher.TryTake(1, out _), Is.EqualTo(TakeResult.Finished), "only the failed CPU could run it: stuck");
    }

    [Test]
    public void Dispatcher_SlowDevice_PassesTasksUpOnceMeasured_WhenTheFastOneWouldFinishFirst()
    {
        using var fast = new StubDevice("fast", hostMemory: true);
        using var slow = new StubDevice("slow", hostMemory: false);
        var graph = new TaskGraph();
        for (int i = 0; i < 6; i++)
        {
            graph.Add(new GraphTask($"t{i}", 100, [(i, DataAccess.Write)], _ => true, (_, _) => { }));
        }

        double now = 0;
        var dispatcher = new TaskGraphDispatcher(graph, [fast, slow], clock: () => now);

        // Both unmeasured: each takes a task and is measured by it (fast: 100 flops/s, slow: 1 flop/s).
        Assert.That(dispatcher.TryTake(0, out int a), Is.EqualTo(TakeResult.Item));
        Assert.That(dispatcher.TryTake(1, out int b), Is.EqualTo(TakeResult.Item));
        now = 1;
        dispatcher.Complete(0, a, 1);
        now = 100;
        dispatcher.Complete(1, b, 100);
        Assert.That(dispatcher.Speeds, Is.EqualTo(new double[] { 100, 1 }));

        // The fast device is busy for one more second; the slow one would need 100: it passes the task up.
        Assert.That(dispatcher.TryTake(0, out int c), Is.EqualTo(TakeResult.Item));
        Assert.That(dispatcher.TryTake(1, out _), Is.EqualTo(TakeResult.Wait));
        now = 101;
        dispatcher.Complete(0, c, 1);
        Assert.That(dispatcher.TryTake(0, out _), Is.EqualTo(TakeResult.Item), "the fast device takes what the slow one left");
    }

    [Test]
    public void Dispatcher_ADeviceWhoseCopiesOverlap_IsGivenItsNextTask_AsItTakesOne_AndItGoesBackIfTheDeviceFails()
    {
        using var cpu = new StubDevice("cpu", hostMemory: true);
        using var node = new StubDevice("node", hostMemory: false, overlaps: true);
        var graph = new TaskGraph();
        for (int i = 0; i < 4; i++)
        {
            graph.Add(new GraphTask($"t{i}", 4 - i, [(i, DataAccess.Write)], _ => true, (_, _) => { }, DeviceCopies: true));
        }

        var prefetched = new List<(int Task, int Worker)>();
        var dispatcher = new TaskGraphDispatcher(graph, [cpu, node]) { Prefetch = (task, worker) => prefetched.Add((task, worker)) };

        Assert.That(dispatcher.TryTake(1, out int first), Is.EqualTo(TakeResult.Item));
        Assert.That(first, Is.EqualTo(0), "the highest priority");
        Assert.That(prefetched, Is.EqualTo(new[] { (1, 1) }), "its next task is set aside for it, tiles on their way");
        Assert.That(dispatcher.TryTake(0, out int forCpu), Is.EqualTo(TakeResult.Item));
        Assert.That(forCpu, Is.EqualTo(2), "the CPU (no overlap) gets the next ready one, not the node's");
        Assert.That(prefetched, Has.Count.EqualTo(1), "the CPU computes on host memory: nothing to bring");
        dispatcher.Complete(1, first, 1);
        Assert.That(dispatcher.TryTake(1, out int second), Is.EqualTo(TakeResult.Item));
        Assert.That(second, Is.EqualTo(1), "the node takes the task set aside for it");
        Assert.That(prefetched[^1], Is.EqualTo((3, 1)));

        dispatcher.Fail(1, second);
        dispatcher.Complete(0, forCpu, 1);
        var rest = new List<int>();
        while (dispatcher.TryTake(0, out int t) == TakeResult.Item)
        {
            rest.Add(t);
            dispatcher.Complete(0, t, 1);
        }

        Assert.That(rest, Is.EquivalentTo(new[] { 1, 3 }), "the failed node's task and the one set aside for it run on the CPU");
        Assert.That(dispatcher.IsComplete, Is.True);
    }

    [Test]
    public void APrefetchThatFails_FailsTheDevicesNextTask_NotTheOneItIsRunning()
    {
        using var device = new StubDevice("node", hostMemory: false, overlaps: true, refuseMemory: true);
        var a = new HostMatrix<double>(4, 4);
        var copies = new TileCopies<double>(_ => a, h => $"A{h}");
        copies.Start([device], _ => 1 << 20);
        var reader = new GraphTask("reader", 1, [(0, DataAccess.Read)], _ => true, (_, _) => { }, DeviceCopies: true);

        Assert.That(copies.Prefetch(reader, device), Is.Zero, "the failure stays in the prefetch's thread");
        var error = Assert.Throws<IOException>(() => copies.Acquire(reader, device));
        Assert.That(error!.Message, Does.Contain("node").And.Contain("ahead of a task").And.Contain("no memory here"));
        copies.Flush(writeBack: false);
        Assert.That(copies.Prefetch(reader, device), Is.Zero, "after the graph, a prefetch does nothing");
    }

    /// <summary>A device that is never asked to compute: only its capabilities matter to the dispatcher.</summary>
    private sealed class StubDevice(string id, bool hostMemory, bool overlaps = false, bool refuseMemory = false)
        : ComputeDevice(id, id, hostMemory ? DeviceKind.Cpu : DeviceKind.Cuda, 1 << 30)
    {
        internal override bool ComputesInHostMemory => hostMemory;

        internal override bool OverlapsTransfers => overlaps;

        internal override DeviceBuffer<T> Allocate<T>(long length) =>
            refuseMemory ? throw new InsufficientMemoryException("no memory here") : base.Allocate<T>(length);

        internal override void RunGemmTile<T>(Gemm.GemmProblem<T> problem, Gemm.GemmTile tile, CancellationToken cancellation) =>
            throw new NotSupportedException("A stub.");
    }
}
