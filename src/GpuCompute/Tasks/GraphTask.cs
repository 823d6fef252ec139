using GpuCompute.Backends;

namespace GpuCompute.Tasks;

/// <summary>One task of a <see cref="TaskGraph"/>: its name (for traces), its cost, the data it touches, which devices
/// may run it, and what it does.</summary>
/// <param name="Name">E.g. <c>potrf(2)</c> or <c>gemm(5,3,2)</c>.</param>
/// <param name="Flops">Floating-point operations: its weight on the critical path and in reports.</param>
/// <param name="Accesses">Each piece of data (a handle: any integer the submitter chose, e.g. a tile's index) and how
/// the task uses it.</param>
/// <param name="CanRun">True for devices that may run it.</param>
/// <param name="Run">Runs it on the given device; blocks.</param>
/// <param name="DeviceCopies">True when, on a device that computes in its own memory, the task works on that device's
/// copies of its tiles (<see cref="TileCopies{T}"/>); false when it reads and writes the host tiles wherever it runs
/// (they are then made valid in host memory first).</param>
internal sealed record GraphTask(
    string Name, double Flops, IReadOnlyList<(int Handle, DataAccess Access)> Accesses,
    Func<ComputeDevice, bool> CanRun, Action<ComputeDevice, CancellationToken> Run, bool DeviceCopies = false);
