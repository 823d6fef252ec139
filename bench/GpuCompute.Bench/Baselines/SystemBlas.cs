using System.Runtime.InteropServices;
using GpuCompute.Matrices;

namespace GpuCompute.Bench.Baselines;

/// <summary>
/// The system's CBLAS (OpenBLAS, else the reference libblas) called through function pointers: the baseline the CPU
/// GEMM is measured against. Row-major calls over <see cref="HostMatrix{T}"/> views, blocking like every BLAS call.
/// </summary>
internal sealed unsafe partial class SystemBlas
{
    // CBLAS enum values (cblas.h): CblasRowMajor = 101, CblasNoTrans = 111, CblasTrans = 112.
    private const int RowMajor = 101;
    private const int NoTrans = 111;
    private const int Trans = 112;

    private static readonly string[] Candidates = ["libopenblas.so.0", "libopenblas.so", "libblas.so.3"];

    private readonly delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> _sgemm;
    private readonly delegate* unmanaged<int, int, int, int, int, int, double, double*, int, double*, int, double, double*, int, void> _dgemm;
    private readonly delegate* unmanaged<int, void> _setThreads;

    // LAPACK's Fortran entry points (OpenBLAS implements potrf itself, in C with this signature).
    private readonly delegate* unmanaged<byte*, int*, float*, int*, int*, void> _spotrf;
    private readonly delegate* unmanaged<byte*, int*, double*, int*, int*, void> _dpotrf;
    private readonly delegate* unmanaged<int*, int*, float*, int*, int*, int*, void> _sgetrf;
    private readonly delegate* unmanaged<int*, int*, double*, int*, int*, int*, void> _dgetrf;
    private readonly delegate* unmanaged<int*, int*, float*, int*, float*, float*, int*, int*, void> _sgeqrf;
    private readonly delegate* unmanaged<int*, int*, double*, int*, double*, double*, int*, int*, void> _dgeqrf;

    private SystemBlas(string name, nint library)
    {
        Name = name;
        _sgemm = (delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)
            NativeLibrary.GetExport(library, "cblas_sgemm");
        _dgemm = (delegate* unmanaged<int, int, int, int, int, int, double, double*, int, double*, int, double, double*, int, void>)
            NativeLibrary.GetExport(library, "cblas_dgemm");
        if (NativeLibrary.TryGetExport(library, "openblas_set_num_threads", out nint setThreads))
        {
            _setThreads = (delegate* unmanaged<int, void>)setThreads;
        }

        if (NativeLibrary.TryGetExport(library, "spotrf_", out nint spotrf) && NativeLibrary.TryGetExport(library, "dpotrf_", out nint dpotrf))
        {
            _spotrf = (delegate* unmanaged<byte*, int*, float*, int*, int*, void>)spotrf;
            _dpotrf = (delegate* unmanaged<byte*, int*, double*, int*, int*, void>)dpotrf;
        }

        if (NativeLibrary.TryGetExport(library, "sgetrf_", out nint sgetrf) && NativeLibrary.TryGetExport(library, "dgetrf_", out nint dgetrf))
        {
            _sgetrf = (delegate* unmanaged<int*, int*, float*, int*, int*, int*, void>)sgetrf;
            _dgetrf = (delegate* unmanaged<int*, int*, double*, int*, int*, int*, void>)dgetrf;
        }

        if (NativeLibrary.TryGetExport(library, "sgeqrf_", out nint sgeqrf) && NativeLibrary.TryGetExport(library, "dgeqrf_", out nint dgeqrf))
        {
            _sgeqrf = (delegate* unmanaged<int*, int*, float*, int*, float*, float*, int*, int*, void>)sgeqrf;
            _dgeqrf = (delegate* unmanaged<int*, int*, double*, int*, double*, double*, int*, int*, void>)dgeqrf;
        }

        if (NativeLibrary.TryGetExport(library, "openblas_get_corename", out nint coreName))
        {
            string? core = Marshal.PtrToStringUTF8(((delegate* unmanaged<nint>)coreName)());
            Name = $"{name} (core {core})";
        }
    }

    /// <summary>The library file loaded and, for OpenBLAS, the kernel family it chose.</summary>
    public string Name { get; }

    /// <summary>
    /// Loads the first available CBLAS. <paramref name="openBlasCoreType"/> (e.g. "SkylakeX" for AVX-512 kernels) is put
    /// into the native environment first, because OpenBLAS reads OPENBLAS_CORETYPE with getenv when it loads and
    /// <see cref="Environment.SetEnvironmentVariable(string, string?)"/> does not reach the native environment.
    /// </summary>
    /// <returns>The library, or null with the reason in <paramref name="whyNot"/>.</returns>
    public static SystemBlas? TryLoad(string? openBlasCoreType, out string whyNot)
    {
        if (!OperatingSystem.IsLinux())
        {
            whyNot = "the system BLAS baseline is only wired for Linux shared libraries";
            return null;
        }

        if (!string.IsNullOrEmpty(openBlasCoreType) && SetEnv("OPENBLAS_CORETYPE", openBlasCoreType, 1) != 0)
        {
            whyNot = "setenv(OPENBLAS_CORETYPE) failed";
            return null;
        }

        // Between calls OpenBLAS's idle threads spin before they sleep, taking cores from whatever runs next in an
        // interleaved comparison; a short timeout (2^4 loops, unless the user chose one) keeps the runs independent.
        if (Environment.GetEnvironmentVariable("OPENBLAS_THREAD_TIMEOUT") is null && SetEnv("OPENBLAS_THREAD_TIMEOUT", "4", 0) != 0)
        {
            whyNot = "setenv(OPENBLAS_THREAD_TIMEOUT) failed";
            return null;
        }

        foreach (string candidate in Candidates)
        {
            if (NativeLibrary.TryLoad(candidate, out nint library))
            {
                if (!NativeLibrary.TryGetExport(library, "cblas_sgemm", out _) || !NativeLibrary.TryGetExport(library, "cblas_dgemm", out _))
                {
                    continue;
                }

                whyNot = string.Empty;
                return new SystemBlas(candidate, library);
            }
        }

        whyNot = $"none of {string.Join(", ", Candidates)} loads with cblas_sgemm/cblas_dgemm (apt-get install libopenblas0-pthread)";
        return null;
    }

    /// <summary>Sets OpenBLAS's thread count (no effect on other libraries).</summary>
    public void SetThreads(int threads)
    {
        if (_setThreads != null)
        {
            _setThreads(threads);
        }
    }

    /// <summary>C ← α·op(A)·op(B) + β·C in single precision (cblas_sgemm, row-major).</summary>
    public void Sgemm(float alpha, HostMatrix<float> a, Transpose opA, HostMatrix<float> b, Transpose opB, float beta, HostMatrix<float> c)
    {
        int k = opA == Transpose.None ? a.Cols : a.Rows;
        fixed (float* pa = a.Data, pb = b.Data, pc = c.Data)
        {
            _sgemm(RowMajor, Op(opA), Op(opB), c.Rows, c.Cols, k, alpha, pa + a.Offset, a.LeadingDimension, pb + b.Offset, b.LeadingDimension, beta, pc + c.Offset, c.LeadingDimension);
        }
    }

    /// <summary>C ← α·op(A)·op(B) + β·C in double precision (cblas_dgemm, row-major).</summary>
    public void Dgemm(double alpha, HostMatrix<double> a, Transpose opA, HostMatrix<double> b, Transpose opB, double beta, HostMatrix<double> c)
    {
        int k = opA == Transpose.None ? a.Cols : a.Rows;
        fixed (double* pa = a.Data, pb = b.Data, pc = c.Data)
        {
            _dgemm(RowMajor, Op(opA), Op(opB), c.Rows, c.Cols, k, alpha, pa + a.Offset, a.LeadingDimension, pb + b.Offset, b.LeadingDimension, beta, pc + c.Offset, c.LeadingDimension);
        }
    }

    /// <summary>True when the library exports LAPACK's Cholesky (<c>spotrf_</c>, <c>dpotrf_</c>).</summary>
    public bool HasPotrf => _dpotrf != null;

    /// <summary>Cholesky of a square row-major matrix into its lower triangle (<c>?potrf_</c> on the column-major upper
    /// triangle, which is the same memory); returns LAPACK's info (0, or the order of the failing minor).</summary>
    public int Potrf<T>(HostMatrix<T> a)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        if (!HasPotrf)
        {
            throw new NotSupportedException($"{Name} has no LAPACK potrf.");
        }

        byte upper = (byte)'U';
        int n = a.Rows, lda = a.LeadingDimension, info = 0;
        if (typeof(T) == typeof(float))
        {
            fixed (float* pa = (float[])(object)a.Data)
            {
                _spotrf(&upper, &n, pa + a.Offset, &lda, &info);
            }
        }
        else
        {
            fixed (double* pa = (double[])(object)a.Data)
            {
                _dpotrf(&upper, &n, pa + a.Offset, &lda, &info);
            }
        }

        return info;
    }

    /// <summary>True when the library exports LAPACK's LU (<c>sgetrf_</c>, <c>dgetrf_</c>).</summary>
    public bool HasGetrf => _dgetrf != null;

    /// <summary>LU with partial pivoting of a square matrix. LAPACK is column-major, so it factors Aᵀ (the same memory
    /// read the other way); the work and the pivoting are the same as for A, which is what a timing needs. Returns
    /// LAPACK's info.</summary>
    public int GetrfTransposed<T>(HostMatrix<T> a, int[] pivots)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        if (!HasGetrf)
        {
            throw new NotSupportedException($"{Name} has no LAPACK getrf.");
        }

        int n = a.Rows, lda = a.LeadingDimension, info = 0;
        fixed (int* ipiv = pivots)
        {
            if (typeof(T) == typeof(float))
            {
                fixed (float* pa = (float[])(object)a.Data)
                {
                    _sgetrf(&n, &n, pa + a.Offset, &lda, ipiv, &info);
                }
            }
            else
            {
                fixed (double* pa = (double[])(object)a.Data)
                {
                    _dgetrf(&n, &n, pa + a.Offset, &lda, ipiv, &info);
                }
            }
        }

        return info;
    }

    /// <summary>True when the library exports LAPACK's QR (<c>sgeqrf_</c>, <c>dgeqrf_</c>).</summary>
    public bool HasGeqrf => _dgeqrf != null;

    /// <summary>Householder QR of a square matrix handed as its transpose's memory (so LAPACK, column-major, factors
    /// the matrix itself); the workspace is queried first. Returns LAPACK's info.</summary>
    public int GeqrfTransposed<T>(HostMatrix<T> a, T[] tau)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        if (!HasGeqrf)
        {
            throw new NotSupportedException($"{Name} has no LAPACK geqrf.");
        }

        int n = a.Rows, lda = a.LeadingDimension, info = 0, query = -1;
        if (typeof(T) == typeof(float))
        {
            float size = 0;
            fixed (float* pa = (float[])(object)a.Data, pt = (float[])(object)tau)
            {
                _sgeqrf(&n, &n, pa + a.Offset, &lda, pt, &size, &query, &info);
                int lwork = Math.Max(1, (int)size);
                float[] work = new float[lwork];
                fixed (float* pw = work)
                {
                    _sgeqrf(&n, &n, pa + a.Offset, &lda, pt, pw, &lwork, &info);
                }
            }
        }
        else
        {
            double size = 0;
            fixed (double* pa = (double[])(object)a.Data, pt = (double[])(object)tau)
            {
                _dgeqrf(&n, &n, pa + a.Offset, &lda, pt, &size, &query, &info);
                int lwork = Math.Max(1, (int)size);
                double[] work = new double[lwork];
                fixed (double* pw = work)
                {
                    _dgeqrf(&n, &n, pa + a.Offset, &lda, pt, pw, &lwork, &info);
                }
            }
        }

        return info;
    }

    private static int Op(Transpose op) => op == Transpose.None ? NoTrans : Trans;

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
