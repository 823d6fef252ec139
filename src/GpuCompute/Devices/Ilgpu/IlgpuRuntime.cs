using ILGPU;

namespace GpuCompute.Devices.Ilgpu;

/// <summary>TEMPORARY STUB until the ILGPU device lands: no GPU devices, no emulator.</summary>
internal static class IlgpuRuntime
{
    public static Context CreateContext() => Context.CreateDefault();

    public static IReadOnlyList<ComputeDevice> DiscoverGpus(Context context) => [];

    public static ComputeDevice CreateEmulator(Context context) =>
        throw new NotSupportedException("The ILGPU emulator device is not available yet.");
}
