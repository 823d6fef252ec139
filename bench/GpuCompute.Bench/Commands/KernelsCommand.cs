using System.CommandLine;
using System.Reflection;
using GpuCompute.Backends.Ilgpu;
using GpuCompute.Kernels.Gemm;
using ILGPU;
using ILGPU.Runtime.Cuda;

namespace GpuCompute.Bench.Commands;

/// <summary>
/// <c>kernels --out DIR</c>: writes the PTX (for an sm_90 GPU) and OpenCL C that ILGPU generates for every GEMM kernel,
/// without any device, so they can be read or fed to <c>ptxas</c> / <c>cuobjdump</c> for register and spill counts.
/// </summary>
internal static class KernelsCommand
{
    private static readonly Option<DirectoryInfo> OutOption = new("--out") { Description = "Folder for the .ptx and .cl files.", Required = true };
    private static readonly Option<string> DriverOption = new("--cuda-driver") { Description = "CUDA driver version MAJOR.MINOR the PTX is for (sets the PTX ISA version).", DefaultValueFactory = _ => "13.0" };

    public static Command Create()
    {
        var command = new Command("kernels", "Write the generated PTX (sm_90) and OpenCL C of every GEMM kernel to a folder.") { OutOption, DriverOption };
        command.SetAction(parse =>
        {
            DirectoryInfo folder = parse.GetValue(OutOption)!;
            string driverText = parse.GetValue(DriverOption)!;
            string[] parts = driverText.Split('.');
            if (parts.Length != 2 || !int.TryParse(parts[0], out int major) || !int.TryParse(parts[1], out int minor) || major < 1 || minor < 0)
            {
                throw new UsageException($"--cuda-driver takes MAJOR.MINOR, e.g. 12.4; got '{driverText}'.");
            }

            folder.Create();
            using Context context = KernelCompiler.CreateOfflineContext();
            foreach ((string name, MethodInfo kernel) in Kernels())
            {
                string ptx = KernelCompiler.CompilePtx(context, kernel, CudaArchitecture.SM_90, CudaDriverVersion.FromMajorMinor(major, minor));
                string cl = KernelCompiler.CompileOpenCL(context, kernel);
                File.WriteAllText(Path.Combine(folder.FullName, $"{name}.ptx"), ptx);
                File.WriteAllText(Path.Combine(folder.FullName, $"{name}.cl"), cl);
                Console.WriteLine($"{name}: {ptx.Length} characters of PTX, {cl.Length} of OpenCL C");
            }

            return 0;
        });
        return command;
    }

    private static IEnumerable<(string Name, MethodInfo Kernel)> Kernels()
    {
        yield return ("gemm-f32-gpu", IlgpuEntryPoints.Gemm<float, GpuTileConfig>());
        yield return ("gemm-f64-gpu", IlgpuEntryPoints.Gemm<double, GpuTileConfig>());
        yield return ("gemm-f32-emulator", IlgpuEntryPoints.Gemm<float, EmulatorTileConfig>());
        yield return ("gemm-f64-emulator", IlgpuEntryPoints.Gemm<double, EmulatorTileConfig>());
    }
}
