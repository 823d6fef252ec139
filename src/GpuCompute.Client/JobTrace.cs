namespace GpuCompute.Client;

/// <summary>A finished job's timeline: one span per tile or part, per device.</summary>
/// <param name="Seconds">The operation's wall time.</param>
/// <param name="Spans">Every span, in completion order.</param>
public sealed record JobTrace(double Seconds, IReadOnlyList<TraceSpan> Spans);

/// <summary>One tile's or part's run on a device.</summary>
/// <param name="DeviceId">The device that ran it.</param>
/// <param name="Item">What it computed, e.g. <c>rows 0..511 × cols 0..255</c>.</param>
/// <param name="StartSeconds">Start, from the operation's start.</param>
/// <param name="EndSeconds">End.</param>
/// <param name="Failed">True when the device failed on it (it was run again elsewhere).</param>
public sealed record TraceSpan(string DeviceId, string Item, double StartSeconds, double EndSeconds, bool Failed);
