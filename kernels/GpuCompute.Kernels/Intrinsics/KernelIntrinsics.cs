using System.Reflection;
using ILGPU;
using ILGPU.Backends.OpenCL;
using ILGPU.Backends.PTX;
using ILGPU.IR;
using ILGPU.IR.Intrinsics;
using ILGPU.IR.Values;

namespace GpuCompute.Kernels.Intrinsics;

/// <summary>Registers GpuCompute's kernel intrinsics (<see cref="KernelMath"/>, and the host fast path of the kernel views) with an ILGPU context.</summary>
/// <remarks>
/// ILGPU 1.5.3 maps no fused multiply-add (<c>MathF.FusedMultiplyAdd</c> compiles to an unresolved call), and inline
/// PTX with an output (<c>CudaAsm.Emit</c>) goes through a local-memory slot. A code-generating intrinsic writes
/// <c>fma.rn</c> straight into the result register instead. OpenCL gets a·b + c; the CPU emulator runs the C# body.
/// </remarks>
internal static class KernelIntrinsics
{
    /// <summary>Registers the intrinsics; call on every context builder that compiles GpuCompute kernels.</summary>
    /// <param name="builder">The context builder.</param>
    /// <returns><paramref name="builder"/>.</returns>
    public static Context.Builder EnableKernelIntrinsics(this Context.Builder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        IntrinsicImplementationManager manager = builder.GetIntrinsicManager();
        foreach (Type type in new[] { typeof(float), typeof(double) })
        {
            MethodInfo method = typeof(KernelMath).GetMethod(
                nameof(KernelMath.MultiplyAdd), BindingFlags.Public | BindingFlags.Static, [type, type, type])!;
            manager.RegisterMethod(
                method,
                new PTXIntrinsic(typeof(KernelIntrinsics), nameof(GeneratePtxMultiplyAdd), IntrinsicImplementationMode.GenerateCode));
            MethodInfo portable = typeof(KernelIntrinsics).GetMethod(
                nameof(PortableMultiplyAdd), BindingFlags.NonPublic | BindingFlags.Static, [type, type, type])!;
            manager.RegisterMethod(method, new CLIntrinsic(portable, IntrinsicImplementationMode.Redirect));
        }

        // Views read host memory through raw addresses in plain C#; kernels compiled for GPUs use the view itself.
        MethodInfo element = typeof(HostAddress).GetMethod(nameof(HostAddress.Element))!;
        MethodInfo viewElement = typeof(HostAddress).GetMethod(nameof(HostAddress.ViewElement))!;
        manager.RegisterMethod(element, new PTXIntrinsic(viewElement, IntrinsicImplementationMode.Redirect));
        manager.RegisterMethod(element, new CLIntrinsic(viewElement, IntrinsicImplementationMode.Redirect));
        return builder;
    }

    /// <summary>OpenCL: a·b + c, which OpenCL C compilers may contract into an FMA (FP_CONTRACT is on by default).</summary>
    private static float PortableMultiplyAdd(float a, float b, float c) => (a * b) + c;

    /// <summary>OpenCL: a·b + c in double precision.</summary>
    private static double PortableMultiplyAdd(double a, double b, double c) => (a * b) + c;

    /// <summary>Emits <c>fma.rn.f32|f64 result, a, b, c</c> for a call to <see cref="KernelMath.MultiplyAdd(float, float, float)"/>.</summary>
    private static void GeneratePtxMultiplyAdd(PTXBackend backend, PTXCodeGenerator codeGenerator, Value value)
    {
        _ = backend;
        var call = (MethodCall)value;
        string instruction = call.BasicValueType == BasicValueType.Float32 ? "fma.rn.f32" : "fma.rn.f64";
        var a = codeGenerator.LoadPrimitive(call[0]);
        var b = codeGenerator.LoadPrimitive(call[1]);
        var c = codeGenerator.LoadPrimitive(call[2]);
        var result = codeGenerator.AllocateHardware(call);
        using var command = codeGenerator.BeginCommand(instruction);
        command.AppendArgument(result);
        command.AppendArgument(a);
        command.AppendArgument(b);
        command.AppendArgument(c);
    }
}
