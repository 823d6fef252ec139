using System.Globalization;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GpuCompute.Backends.Cpu;

/// <summary>
/// Everything hardware-dependent in the CPU GEMM, chosen once per process: the micro-kernel path (vector width) and the
/// block sizes derived from it and from the cache sizes. Tests build their own instances to force a path or small
/// blocks so that block edges are reached with small matrices.
/// </summary>
internal sealed class CpuGemmConfig
{
    // Fallback cache sizes when /sys does not describe the caches (containers, VMs such as the Zen 5 host this was tuned
    // on): values that current x64 server cores (Zen 4/5: 1 MiB L2, 32 MiB L3 per CCD; Intel since Skylake-SP: 1-2 MiB
    // L2) meet or exceed, so blocks sized from them still fit. L1 is not used: see KC below.
    private const long DefaultL2Bytes = 1024 * 1024;
    private const long DefaultL3Bytes = 8 * 1024 * 1024;

    private CpuGemmConfig(
        CpuKernelPath path,
        CpuGemmBlocking single,
        CpuGemmBlocking @double,
        long directMaxVolume,
        bool directForVectorShapes,
        long minVolumePerThread,
        long sharedPackingMinBytes)
    {
        Path = path;
        Single = single;
        Double = @double;
        DirectMaxVolume = directMaxVolume;
        DirectForVectorShapes = directForVectorShapes;
        MinVolumePerThread = minVolumePerThread;
        SharedPackingMinBytes = sharedPackingMinBytes;
    }

    /// <summary>The configuration for this machine: widest accelerated path, blocks sized from its caches.</summary>
    public static CpuGemmConfig Default { get; } = Create(CpuKernelPath.Auto);

    /// <summary>The micro-kernel path in use (never <see cref="CpuKernelPath.Auto"/>).</summary>
    public CpuKernelPath Path { get; }

    /// <summary>Block sizes for <see cref="float"/>.</summary>
    public CpuGemmBlocking Single { get; }

    /// <summary>Block sizes for <see cref="double"/>.</summary>
    public CpuGemmBlocking Double { get; }

    /// <summary>Products with m·n·k at most this take the unpacked direct path (packing would cost more than it saves).</summary>
    public long DirectMaxVolume { get; }

    /// <summary>
    /// True to send m = 1 and n = 1 (vector-times-matrix) products to the direct path: a packed 1-row or 1-column tile
    /// wastes all but one row or column of every micro-tile.
    /// </summary>
    public bool DirectForVectorShapes { get; }

    /// <summary>Each extra thread needs at least this much m·n·k to repay its start-up and its share of packing.</summary>
    public long MinVolumePerThread { get; }

    /// <summary>
    /// Threads split by rows pack B together only when op(B) has at least this many bytes: below it every thread packs
    /// the little it needs on its own, and needs no barrier (at 20000 × 64 × 512 f64, a 256 KiB B, the team's first
    /// barrier, where the caller waits for a worker to wake, cost 5-10 %).
    /// </summary>
    public long SharedPackingMinBytes { get; }

    /// <summary>True when <paramref name="path"/> can run on this machine (<see cref="CpuKernelPath.Auto"/> always can).</summary>
    public static bool IsSupported(CpuKernelPath path) => path switch
    {
        CpuKernelPath.Vector512 => Vector512.IsHardwareAccelerated && Avx512F.IsSupported,
        CpuKernelPath.Vector256 => Vector256.IsHardwareAccelerated && Fma.IsSupported,
        _ => true,
    };

    /// <summary>
    /// A configuration for <paramref name="path"/> with cache blocks from the caches, or from the overrides when given
    /// (tests use tiny KC/MC/NC and thresholds of zero to reach every edge with small matrices).
    /// </summary>
    /// <exception cref="PlatformNotSupportedException">The path is not accelerated on this machine.</exception>
    public static CpuGemmConfig Create(
        CpuKernelPath path,
        int? kc = null,
        int? mc = null,
        int? nc = null,
        long? directMaxVolume = null,
        bool directForVectorShapes = true,
        long? minVolumePerThread = null,
        long? sharedPackingMinBytes = null)
    {
        if (path == CpuKernelPath.Auto)
        {
            path = IsSupported(CpuKernelPath.Vector512) ? CpuKernelPath.Vector512
                : IsSupported(CpuKernelPath.Vector256) ? CpuKernelPath.Vector256
                : CpuKernelPath.Scalar;
        }
        else if (!IsSupported(path))
        {
            throw new PlatformNotSupportedException($"The {path} GEMM kernels are not hardware-accelerated on this CPU.");
        }

        long l2 = CacheBytes(2, DefaultL2Bytes), l3 = CacheBytes(3, DefaultL3Bytes);

        // MR × NR per path, fixed by the hand-unrolled micro-kernels in CpuMicroKernels:
        // 512-bit: 14 rows × 2 zmm = 28 accumulators + 2 B vectors + 1 broadcast = 31 of 32 registers (the JIT keeps
        // them all in registers; 14 rows measured 3-8% faster than 12 on Zen 5);
        // 256-bit: 6 rows × 2 ymm = 12 accumulators + 3 ≤ 16 registers (AVX2 has 16);
        // scalar: 4 × 4 = 16 accumulators, what x64 keeps in xmm registers without spilling.
        (int mrS, int nrS, int mrD, int nrD) = path switch
        {
            CpuKernelPath.Vector512 => (14, 32, 14, 16),
            CpuKernelPath.Vector256 => (6, 16, 6, 8),
            _ => (4, 4, 4, 4),
        };

        return new CpuGemmConfig(
            path,
            Blocking(mrS, nrS, sizeof(float), l2, l3, kc, mc, nc),
            Blocking(mrD, nrD, sizeof(double), l2, l3, kc, mc, nc),
            // Measured on Zen 5 (f32, one thread): the packed path already beats the direct one from 12³ up (4.4 vs 1.8
            // GFLOP/s there, 56 vs 13 at 32³), so only the tiniest products skip packing and the pack-buffer rental.
            directMaxVolume ?? (8L * 8 * 8),
            directForVectorShapes,
            minVolumePerThread ?? (128L * 128 * 128), // 128³ multiply-adds ≈ 20 µs on one core: above a thread hand-off.
            sharedPackingMinBytes ?? l2); // a B larger than one core's L2 is worth packing once, in the shared cache
    }

    /// <summary>The blocking for <typeparamref name="T"/> (float or double).</summary>
    public CpuGemmBlocking For<T>() => typeof(T) == typeof(float) ? Single : Double;

    /// <inheritdoc/>
    public override string ToString() => $"{Path}: f32 {Single}, f64 {Double}";

    private static CpuGemmBlocking Blocking(
        int mr, int nr, int size, long l2, long l3, int? kc, int? mc, int? nc)
    {
        // KC: every finished KC slice costs one read-modify-write of the C tile (MR·NR elements against KC·MR·NR
        // multiply-adds), so KC should be large; but the MC × KC block of A must still fit in L2 with room to spare.
        // The B micro-panel (KC × NR) may exceed L1: A and B together need ~NR·size + MR·size bytes per step, a small
        // fraction of L2 bandwidth (the 14 × 32 kernel measured ~202 GFLOP/s, i.e. FMA peak, with KC = 512 and A in L2).
        // L2/16 per micro-panel gives 512 for both precisions with a 1 MiB L2. On Zen 5, f32 KC = 256 measured ~10%
        // slower than 512 (the C traffic shows); 384, 512 and 1024 were within the host's ±10% noise. Clamped to 128..1024.
        int kcAuto = (int)Math.Clamp(l2 / (16L * nr * size) / 16 * 16, 128, 1024);

        // MC: the packed MC × KC block of A is reused across the whole NC panel, so it should stay in half of L2,
        // leaving the other half to the B micro-panels and C tiles streaming through.
        int kcUsed = kc ?? kcAuto;
        int mcAuto = (int)Math.Clamp(l2 / 2 / ((long)kcUsed * size), mr, 4096);

        // NC: A is repacked (a transposing, scalar copy) once per NC columns, so NC bounds that overhead to ~1/NC of the
        // work; but the KC × NC panel of B is read again for every MC block of A, so it must stay in the L3 beside the
        // other core's traffic: a quarter of L3 at most. At 4096³ f64 (2 threads, against OpenBLAS, three rounds) a 16 MiB
        // panel (NC = 4096) ran at 0.89-0.95× and an 8 MiB one (NC = 2048) at 1.05-1.07×; in f32, NC = 4096 (8 MiB) beat
        // 2048 and 1024 (more repacking of A) (2026-12-01).
        int ncAuto = (int)Math.Clamp(Math.Min(4096, l3 / 4 / ((long)kcUsed * size)), 16L * nr, 8192);

        return CpuGemmBlocking.Create(mr, nr, kcUsed, mc ?? mcAuto, nc ?? ncAuto);
    }

    /// <summary>The size of the level-<paramref name="level"/> data (or unified) cache of CPU 0 from sysfs, or the fallback.</summary>
    private static long CacheBytes(int level, long fallback)
    {
        const string root = "/sys/devices/system/cpu/cpu0/cache";
        try
        {
            if (!Directory.Exists(root))
            {
                return fallback;
            }

            foreach (string dir in Directory.EnumerateDirectories(root, "index*"))
            {
                string levelText = BoundedRead.Text(System.IO.Path.Combine(dir, "level"));
                string type = BoundedRead.Text(System.IO.Path.Combine(dir, "type"));
                if (levelText != level.ToString(CultureInfo.InvariantCulture) || type == "Instruction")
                {
                    continue;
                }

                string size = BoundedRead.Text(System.IO.Path.Combine(dir, "size"));
                long scale = size.EndsWith('K') ? 1024 : size.EndsWith('M') ? 1024 * 1024 : 1;
                if (long.TryParse(size.TrimEnd('K', 'M'), NumberStyles.Integer, CultureInfo.InvariantCulture, out long value) && value > 0)
                {
                    return value * scale;
                }
            }
        }
        catch (IOException)
        {
            // An unreadable sysfs entry means unknown caches: the fallback sizes are safe for any modern core.
        }
        catch (UnauthorizedAccessException)
        {
            // Same: sandboxes may hide sysfs; blocks from the fallback sizes are still correct, only less tuned.
        }

        return fallback;
    }
}
