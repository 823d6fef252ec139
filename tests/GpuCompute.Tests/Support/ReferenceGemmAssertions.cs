using System.Numerics;
using GpuCompute.Matrices;
using GpuCompute.Verification;
using NUnit.Framework;

namespace GpuCompute.Tests.Support;

/// <summary>NUnit assertions over the library's double-precision <see cref="ReferenceGemm"/>.</summary>
internal static class ReferenceGemmAssertions
{
    /// <summary>Fails the test with the first element outside the K-scaled error bound.</summary>
    public static void AssertMatches<T>(this ReferenceGemm.Expected expected, HostMatrix<T> actual, string context)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (expected.FirstMismatch(actual) is string mismatch)
        {
            Assert.Fail($"{context}: {mismatch}.");
        }
    }
}
