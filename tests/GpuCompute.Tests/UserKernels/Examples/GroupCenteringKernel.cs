using GpuCompute.Kernels;
using ILGPU;

namespace GpuCompute.Tests.UserKernels.Examples;

/// <summary>
/// Example grouped kernel (needs shared memory and barriers, so it runs on ILGPU devices only): subtracts from each
/// element the mean of its group of <see cref="GroupSize"/> consecutive elements (a tree reduction in shared memory).
/// Padding threads of a device's last group contribute zero and count as absent.
/// </summary>
public readonly struct GroupCenteringKernel(VectorView<float> input, VectorView<float> output) : IGroupKernel1D
{
    public const int GroupSize = 16;

    public void Execute(long index, bool inRange)
    {
        ArrayView<float> sums = SharedMemory.Allocate<float>(GroupSize);
        ArrayView<int> counts = SharedMemory.Allocate<int>(GroupSize);
        int lane = Group.IdxX;
        sums[lane] = inRange ? input[index] : 0f;
        counts[lane] = inRange ? 1 : 0;
        Group.Barrier();
        for (int stride = GroupSize / 2; stride > 0; stride /= 2)
        {
            if (lane < stride)
            {
                sums[lane] += sums[lane + stride];
                counts[lane] += counts[lane + stride];
            }

            Group.Barrier();
        }

        if (inRange)
        {
            output[index] = input[index] - (sums[0] / counts[0]);
        }
    }
}
