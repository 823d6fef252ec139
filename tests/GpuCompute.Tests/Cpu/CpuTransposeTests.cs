using GpuCompute.Backends.Cpu;
using NUnit.Framework;

namespace GpuCompute.Tests.Cpu;

/// <summary>
/// The CPU transpose on both paths (AVX-512 register tiles where supported, the portable blocked copy), exactly:
/// sizes around the 16 × 16 (4-byte) and 8 × 8 (8-byte) tiles and the 256 / 128 macro tiles, offsets and strides
/// wider than the block (as when a part's block of a larger matrix is transposed).
/// </summary>
[TestFixture(true)]
[TestFixture(false)]
public sealed class CpuTransposeTests
{
    private readonly bool _simd;

    public CpuTransposeTests(bool simd) => _simd = simd;

    public static IEnumerable<int> Sides => [1, 7, 8, 9, 15, 16, 17, 127, 128, 129, 255, 256, 257];

    [SetUp]
    public void SetUp()
    {
        if (_simd && !CpuTranspose.HasSimd<float>())
        {
            Assert.Ignore("No AVX-512 on this CPU.");
        }
    }

    [Test]
    public void F32_MatchesElementwise([ValueSource(nameof(Sides))] int rows, [ValueSource(nameof(Sides))] int columns) =>
        Check<float>(rows, columns, 0, columns, 0, rows, i => i * 0.5f);

    [Test]
    public void F64_MatchesElementwise([ValueSource(nameof(Sides))] int rows, [ValueSource(nameof(Sides))] int columns) =>
        Check<double>(rows, columns, 0, columns, 0, rows, i => -i * 0.25);

    [Test]
    public void OffsetsAndWideStrides_LeaveTheRestUntouched([Values(17, 40, 300)] int rows, [Values(9, 33, 270)] int columns)
    {
        Check<float>(rows, columns, 5, columns + 3, 11, rows + 7, i => i + 1f);
        Check<double>(rows, columns, 3, columns + 16, 2, rows + 1, i => i + 1d);
    }

    [Test]
    public void LargeDestinations_StreamingStores_MatchElementwise(
        [Values(0, 1, 3, 13, 16)] int destinationOffset, [Values(1531, 1536)] int rows, [Values(1537, 1536)] int columns)
    {
        // Over 8 MiB, with line-multiple destination rows: streaming stores after a shift to the first aligned element
        // (every offset lands the shift elsewhere), then the ordinary path where the rows are not a whole number of lines.
        Check<float>(rows, columns, 0, columns, destinationOffset, 1536 + 16, i => i);
        Check<double>(rows, columns, 7, columns + 1, destinationOffset, 1536 + 8, i => -i);
        Check<float>(rows, columns, 2, columns, destinationOffset, 1536 + 3, i => i * 2);
    }

    [Test]
    public void Int32AndInt64Elements_MatchElementwise()
    {
        Check<int>(33, 19, 0, 19, 0, 33, i => i);
        Check<long>(19, 33, 0, 33, 0, 19, i => i);
    }

    private void Check<T>(int rows, int columns, int sourceOffset, int sourceStride, int destinationOffset, int destinationStride, Func<int, T> value)
        where T : unmanaged, IEquatable<T>
    {
        var source = new T[sourceOffset + (rows * sourceStride)];
        for (int i = 0; i < source.Length; i++)
        {
            source[i] = value(i);
        }

        var destination = new T[destinationOffset + (columns * destinationStride)];
        CpuTranspose.Run(source, sourceOffset, sourceStride, destination, destinationOffset, destinationStride, rows, columns, threads: 2, _simd);
        for (int j = 0; j < columns; j++)
        {
            for (int i = 0; i < destinationStride; i++)
            {
                T expected = i < rows ? source[sourceOffset + (i * sourceStride) + j] : default;
                T actual = destination[destinationOffset + (j * destinationStride) + i];
                if (!actual.Equals(expected))
                {
                    Assert.Fail($"{rows} x {columns} (simd {_simd}): destination[{j},{i}] = {actual}, expected {expected}.");
                }
            }
        }

        Assert.That(destination.AsSpan(0, destinationOffset).ToArray(), Is.All.EqualTo(default(T)), "before the block");
    }
}
