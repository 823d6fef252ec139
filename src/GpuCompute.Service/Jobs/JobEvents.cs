using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using GpuCompute.Client;

namespace GpuCompute.Service.Jobs;

/// <summary>The server-sent events of each job: status snapshots with ids <c>attempt-sequence</c>, kept in memory so
/// a client that reconnects with <c>Last-Event-ID</c> gets what it missed.</summary>
/// <remarks>Each event is the whole status, so a client that missed trimmed events loses nothing but intermediate
/// progress. After a restart, a job's new attempt numbers its events from 1 again under a higher attempt, so an old
/// <c>Last-Event-ID</c> replays the new attempt from its start.</remarks>
public sealed class JobEvents
{
    private const int EventsKept = 64;
    private const int FinishedLogsKept = 2048;
    private readonly Dictionary<string, Log> logs = [];
    private readonly Queue<string> finished = new();
    private readonly Lock gate = new();

    /// <summary>Publishes <paramref name="status"/> as the job's newest event (<c>state</c> when its state changed).</summary>
    public void Publish(JobStatus status)
    {
        TaskCompletionSource wake;
        lock (gate)
        {
            var log = LogOf(status);
            if (status.Attempts != log.Attempt)
            {
                log.Attempt = status.Attempts;
                log.Events.Clear();
                log.Sequence = 0;
            }

            string type = log.Events.Count > 0 && log.Events[^1].Item.Data.State == status.State ? "progress" : "state";
            log.Sequence++;
            log.Events.Add(new Entry(log.Sequence, new SseItem<JobStatus>(status, type) { EventId = $"{log.Attempt}-{log.Sequence}" }));
            if (log.Events.Count > EventsKept)
            {
                log.Events.RemoveAt(0);
            }

            if (JobState.IsFinal(status.State))
            {
                finished.Enqueue(status.Id);
                while (finished.Count > FinishedLogsKept)
                {
                    logs.Remove(finished.Dequeue());
                }
            }

            wake = log.Changed;
            log.Changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        wake.TrySetResult();
    }

    /// <summary>The job's events after <paramref name="lastEventId"/>, then new ones as they come, until its final
    /// state has been sent. <paramref name="current"/> seeds a job with no events in memory (e.g. after a restart).</summary>
    public async IAsyncEnumerable<SseItem<JobStatus>> Follow(
        JobStatus current, string? lastEventId, [EnumeratorCancellation] CancellationToken cancellation)
    {
        var (attempt, sequence) = Parse(lastEventId);
        while (true)
        {
            List<SseItem<JobStatus>> pending;
            Task changed;
            bool over;
            lock (gate)
            {
                if (!logs.TryGetValue(current.Id, out var log))
                {
                    log = LogOf(current);
                    log.Attempt = current.Attempts;
                    log.Sequence = 1;
                    log.Events.Add(new Entry(1, new SseItem<JobStatus>(current, "state") { EventId = $"{current.Attempts}-1" }));
                }

                // A newer attempt than the client saw: everything kept is new to it.
                long after = log.Attempt == attempt ? sequence : 0;
                pending = [.. log.Events.Where(e => e.Sequence > after).Select(e => e.Item)];
                changed = log.Changed.Task;
                // Nothing new and the job is over: the client already has the final event.
                over = pending.Count == 0 && JobState.IsFinal(log.Events[^1].Item.Data.State);
                if (pending.Count > 0)
                {
                    attempt = log.Attempt;
                    sequence = log.Events[^1].Sequence;
                }
            }

            if (over)
            {
                yield break;
            }

            foreach (var item in pending)
            {
                yield return item;
                if (JobState.IsFinal(item.Data.State))
                {
                    yield break;
                }
            }

            await changed.WaitAsync(cancellation).ConfigureAwait(false);
        }
    }

    private Log LogOf(JobStatus status)
    {
        if (!logs.TryGetValue(status.Id, out var log))
        {
            log = new Log();
            logs[status.Id] = log;
        }

        return log;
    }

    private static (int Attempt, long Sequence) Parse(string? id)
    {
        string[] parts = (id ?? "").Split('-');
        return parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int attempt)
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long sequence)
            ? (attempt, sequence)
            : (-1, 0);
    }

    private sealed record Entry(long Sequence, SseItem<JobStatus> Item);

    private sealed class Log
    {
        public int Attempt { get; set; } = -1;

        public long Sequence { get; set; }

        public List<Entry> Events { get; } = [];

        public TaskCompletionSource Changed { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
