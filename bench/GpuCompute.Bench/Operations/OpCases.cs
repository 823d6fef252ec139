using System.Numerics;
using GpuCompute.Bench.Commands;
using GpuCompute.Data;

namespace GpuCompute.Bench.Operations;

/// <summary>
/// The operations the <c>op</c> command measures, each on seeded random inputs in [-1, 1) uploaded once, checked
/// against a double-precision reference computed on the host.
/// </summary>
internal static class OpCases
{
    /// <summary>The operation names, as typed on the command line.</summary>
    public static readonly string[] Names = ["axpy", "scale", "add", "relu", "exp", "dot", "sum", "asum", "nrm2", "amax", "imax", "gemv", "transpose", "batched-gemm"];

    public static OpCase Create<T>(ComputeEngine engine, string name, long size, int batch, int seed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double s = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        double eps = typeof(T) == typeof(float) ? 1.19e-7 : 2.22e-16; // unit roundoff × 2
        switch (name)
        {
            case "axpy":
            {
                T[] x = Random<T>(size, seed), y0 = Random<T>(size, seed + 1);
                DeviceVector<T> dx = engine.UploadVector<T>(x), dy = engine.UploadVector<T>(y0, dx.Layout);
                T alpha = T.CreateTruncating(0.5);
                int runs = 0;
                return new OpCase(name, 2.0 * size, 3 * s * size, true,
                    () => { engine.Axpy(alpha, dx, dy); runs++; },
                    () =>
                    {
                        // y was updated `runs` times: y = y0 + runs·α·x.
                        T[] y = dy.ToArray();
                        return Elementwise(
                            y,
                            i => double.CreateTruncating(y0[i]) + (runs * 0.5 * double.CreateTruncating(x[i])),
                            i => Math.Abs(double.CreateTruncating(y0[i])) + (runs * 0.5 * Math.Abs(double.CreateTruncating(x[i]))),
                            (runs + 1) * eps);
                    },
                    new Disposables(dx, dy));
            }

            case "scale":
            case "add":
            case "relu":
            case "exp":
            {
                T[] x = Random<T>(size, seed), y = Random<T>(size, seed + 1);
                DeviceVector<T> dx = engine.UploadVector<T>(x), dy = engine.UploadVector<T>(y, dx.Layout), dr = engine.AllocateVector<T>(size, dx.Layout);
                T two = T.CreateTruncating(2);
                Action run = name switch
                {
                    "scale" => () => engine.Scale(two, dx, dr),
                    "add" => () => engine.Add(dx, dy, dr),
                    "relu" => () => engine.Relu(dx, dr),
                    _ => () => engine.Exp(dx, dr),
                };
                Func<int, double> reference = name switch
                {
                    "scale" => i => 2 * double.CreateTruncating(x[i]),
                    "add" => i => double.CreateTruncating(x[i]) + double.CreateTruncating(y[i]),
                    "relu" => i => Math.Max(double.CreateTruncating(x[i]), 0),
                    _ => i => Math.Exp(double.CreateTruncating(x[i])),
                };
                double bytes = (name == "add" ? 3 : 2) * s * size;
                double flops = name == "exp" ? 0 : size; // exp's cost is not a flop count
                return new OpCase(name, flops, bytes, true, run, () => Elementwise(dr.ToArray(), reference, i => Math.Abs(reference(i)), 8 * eps), new Disposables(dx, dy, dr));
            }

            case "dot":
            case "sum":
            case "asum":
            case "nrm2":
            case "amax":
            {
                T[] x = Random<T>(size, seed), y = Random<T>(size, seed + 1);
                DeviceVector<T> dx = engine.UploadVector<T>(x), dy = engine.UploadVector<T>(y, dx.Layout);
                T result = T.Zero;
                Action run = name switch
                {
                    "dot" => () => result = engine.Dot(dx, dy),
                    "sum" => () => result = engine.Sum(dx),
                    "asum" => () => result = engine.Norm1(dx),
                    "nrm2" => () => result = engine.Norm2(dx),
                    _ => () => result = engine.NormInf(dx),
                };
                (double exact, double scale) = Reduction(name, x, y);
                double bytes = (name == "dot" ? 2 : 1) * s * size;
                double flops = name == "dot" || name == "nrm2" ? 2.0 * size : size;
                double tolerance = (Math.Log2(Math.Max(2, size)) + 64) * eps;
                return new OpCase(name, flops, bytes, true, run,
                    () => (Math.Abs(double.CreateTruncating(result) - exact) / Math.Max(scale, double.Epsilon), tolerance),
                    new Disposables(dx, dy));
            }

            case "imax":
            {
                T[] x = Random<T>(size, seed);
                DeviceVector<T> dx = engine.UploadVector<T>(x);
                GpuCompute.Operations.IndexedValue<T> found = default;
                long expected = size == 0 ? -1 : Array.IndexOf(x, x.Max());
                return new OpCase(name, size, s * size, true,
                    () => found = size == 0 ? default : engine.Max(dx),
                    () => (size == 0 || (found.Index == expected && found.Value == x[expected]) ? 0 : 1, 0),
                    new Disposables(dx));
            }

            case "gemv":
            {
                long n = size;
                T[] a = Random<T>(n * n, seed), x = Random<T>(n, seed + 1);
                DeviceMatrix<T> da = engine.AllocateMatrix<T>(n, n);
                da.CopyFromHost(a);
                DeviceVector<T> dx = engine.UploadVector<T>(x), dy = engine.AllocateVector<T>(n, da.Layout);
                return new OpCase(name, 2.0 * n * n, s * ((n * n) + (2 * n)), true,
                    () => engine.Gemv(T.One, da, dx, T.Zero, dy),
                    () =>
                    {
                        T[] y = dy.ToArray();
                        double worst = 0;
                        for (long i = 0; i < n; i++)
                        {
                            double exact = 0, magnitude = 0;
                            for (long j = 0; j < n; j++)
                            {
                                double term = double.CreateTruncating(a[(i * n) + j]) * double.CreateTruncating(x[j]);
                                exact += term;
                                magnitude += Math.Abs(term);
                            }

                            worst = Math.Max(worst, Math.Abs(double.CreateTruncating(y[i]) - exact) / Math.Max(magnitude, double.Epsilon));
                        }

                        return (worst, 16 * eps * Math.Sqrt(n));
                    },
                    new Disposables(da, dx, dy));
            }

            case "transpose":
            {
                long n = size;
                T[] a = Random<T>(n * n, seed);
                DeviceMatrix<T> da = engine.AllocateMatrix<T>(n, n), dt = engine.AllocateMatrix<T>(n, n);
                da.CopyFromHost(a);
                return new OpCase(name, 0, 2 * s * n * n, true,
                    () => engine.Transpose(da, dt),
                    () =>
                    {
                        T[] t = dt.ToArray();
                        long wrong = 0;
                        for (long i = 0; i < n; i++)
                        {
                            for (long j = 0; j < n; j++)
                            {
                                wrong += t[(j * n) + i] == a[(i * n) + j] ? 0 : 1;
                            }
                        }

                        return (wrong, 0);
                    },
                    new Disposables(da, dt));
            }

            case "batched-gemm":
            {
                long n = size, count = batch;
                T[] a = Random<T>(count * n * n, seed), b = Random<T>(count * n * n, seed + 1);
                DeviceMatrixBatch<T> da = engine.UploadBatch<T>(a, count, n, n);
                DeviceMatrixBatch<T> db = engine.UploadBatch<T>(b, count, n, n, da.Layout);
                DeviceMatrixBatch<T> dc = engine.AllocateBatch<T>(count, n, n, da.Layout);
                return new OpCase(name, 2.0 * count * n * n * n, 3 * s * count * n * n, false,
                    () => engine.GemmBatched(T.One, da, db, T.Zero, dc),
                    () =>
                    {
                        T[] c = dc.ToArray();
                        double worst = 0;
                        for (long m = 0; m < count; m++)
                        {
                            long o = m * n * n;
                            for (long i = 0; i < n; i++)
                            {
                                for (long j = 0; j < n; j++)
                                {
                                    double exact = 0, magnitude = 0;
                                    for (long k = 0; k < n; k++)
                                    {
                                        double term = double.CreateTruncating(a[o + (i * n) + k]) * double.CreateTruncating(b[o + (k * n) + j]);
                                        exact += term;
                                        magnitude += Math.Abs(term);
                                    }

                                    worst = Math.Max(worst, Math.Abs(double.CreateTruncating(c[o + (i * n) + j]) - exact) / Math.Max(magnitude, double.Epsilon));
                                }
                            }
                        }

                        return (worst, 16 * eps * Math.Sqrt(n));
                    },
                    new Disposables(da, db, dc));
            }

            default:
                throw new UsageException($"Unknown operation '{name}'; the operations are {string.Join(", ", Names)}.");
        }
    }

    /// <summary>The exact-as-possible reference: compensated (Neumaier) sums in double, so that at 2²⁶ terms the
    /// reference's own error (a plain double loop drifts by ~1e-12 relative) stays far below the f64 tolerance.</summary>
    private static (double Exact, double Scale) Reduction<T>(string name, T[] x, T[] y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var sum = new CompensatedSum();
        var magnitude = new CompensatedSum();
        var squares = new CompensatedSum();
        double max = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double v = double.CreateTruncating(x[i]);
            double term = name == "dot" ? v * double.CreateTruncating(y[i]) : v;
            sum.Add(term);
            magnitude.Add(Math.Abs(term));
            squares.Add(v * v);
            max = Math.Max(max, Math.Abs(v));
        }

        return name switch
        {
            "dot" or "sum" => (sum.Value, magnitude.Value),
            "asum" => (magnitude.Value, magnitude.Value),
            "nrm2" => (Math.Sqrt(squares.Value), Math.Sqrt(squares.Value)),
            _ => (max, Math.Max(max, double.Epsilon)),
        };
    }

    /// <summary>Neumaier's compensated summation.</summary>
    private struct CompensatedSum
    {
        private double sum, compensation;

        public readonly double Value => sum + compensation;

        public void Add(double value)
        {
            double t = sum + value;
            compensation += Math.Abs(sum) >= Math.Abs(value) ? (sum - t) + value : (value - t) + sum;
            sum = t;
        }
    }

    /// <summary>Largest error relative to each element's magnitude (the size of the terms it was computed from).</summary>
    private static (double, double) Elementwise<T>(T[] result, Func<int, double> reference, Func<int, double> magnitude, double tolerance)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double worst = 0;
        for (int i = 0; i < result.Length; i++)
        {
            double error = Math.Abs(double.CreateTruncating(result[i]) - reference(i));
            worst = Math.Max(worst, error == 0 ? 0 : error / Math.Max(magnitude(i), 1e-30));
        }

        return (worst, tolerance);
    }

    private static T[] Random<T>(long length, int seed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        var values = new T[length];
        for (long i = 0; i < length; i++)
        {
            values[i] = T.CreateTruncating((random.NextDouble() * 2.0) - 1.0);
        }

        return values;
    }

    /// <summary>Disposes several device arrays together.</summary>
    private sealed class Disposables(params IDisposable[] items) : IDisposable
    {
        public void Dispose() => Array.ForEach(items, item => item.Dispose());
    }
}
