namespace GpuCompute.Backends.Cpu;

/// <summary>
/// A process-wide team of dedicated worker threads for CPU kernels whose threads must run at the same time (they meet
/// at barriers, so a thread-pool loop that may run its iterations one after another could deadlock). The caller is
/// member 0 and the workers are members 1 to N − 1; worker threads are created when a call first needs them (as many
/// as the largest call has asked for, up to <see cref="MaxMembers"/>) and sleep between calls. One call holds the team
/// at a time: a caller that finds it busy gets <c>false</c> and computes alone (the cores are busy anyway).
/// </summary>
internal sealed class CpuWorkers
{
    /// <summary>The most members one call may have: far beyond any core count the engine runs on.</summary>
    public const int MaxMembers = 1024;

    private readonly Lock gate = new();
    private readonly List<Member> members = [];
    private Action<int>? job;
    private CountdownEvent? done;
    private Exception? failure;

    /// <summary>The process's team (one: teams on the same cores would only take turns).</summary>
    public static CpuWorkers Shared { get; } = new();

    /// <summary>
    /// Runs <paramref name="body"/>(i) for i in [0, <paramref name="count"/>) at once, i = 0 on the calling thread, and
    /// waits for all; the first exception is rethrown. Returns false, running nothing, when the team is busy with
    /// another call.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is not in [1, <see cref="MaxMembers"/>].</exception>
    public bool TryRun(int count, Action<int> body)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxMembers);
        if (!gate.TryEnter())
        {
            return false;
        }

        try
        {
            while (members.Count < count - 1)
            {
                members.Add(new Member(this, members.Count + 1));
            }

            using var finished = new CountdownEvent(count - 1);
            (job, done, failure) = (body, finished, null);
            for (int i = 1; i < count; i++)
            {
                members[i - 1].Wake();
            }

            try
            {
                body(0);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref failure, e, null);
            }

            finished.Wait();
            job = null;
            if (failure is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
            }

            return true;
        }
        finally
        {
            gate.Exit();
        }
    }

    /// <summary>One worker thread: sleeps until woken, runs its part of the current job, signals, sleeps again.</summary>
    private sealed class Member
    {
        private readonly CpuWorkers team;
        private readonly int index;
        private readonly SemaphoreSlim wake = new(0);

        public Member(CpuWorkers team, int index)
        {
            this.team = team;
            this.index = index;
            new Thread(Loop) { IsBackground = true, Name = $"GpuCompute CPU worker {index}" }.Start();
        }

        public void Wake() => wake.Release();

        private void Loop()
        {
            while (true)
            {
                wake.Wait();
                try
                {
                    team.job!(index);
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref team.failure, e, null);
                }
                finally
                {
                    team.done!.Signal();
                }
            }
        }
    }
}
