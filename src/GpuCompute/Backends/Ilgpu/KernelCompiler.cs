using System.Reflection;
using GpuCompute.Kernels.Intrinsics;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.OpenCL;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

namespace GpuCompute.Backends.Ilgpu;

/// <summary>
/// Compiles kernels to PTX or OpenCL C text with ILGPU's backends, without any device or driver: lets tests check
/// that every kernel builds for CUDA and OpenCL, and lets people read the generated code.
/// </summary>
internal static class KernelCompiler
{
    /// <summary>Creates a context for offline compilation only (no accelerators; ILGPU.Algorithms and GpuCompute's
    /// kernel intrinsics enabled, as in <see cref="IlgpuRuntime.CreateContext"/>).</summary>
    /// <param name="level">ILGPU's optimization level: O1 (ILGPU's default, what devices use) or O2, whose experimental
    /// kernel address-space inference turns generic <c>ld</c>/<c>st</c> on views into <c>ld.global</c>/<c>st.global</c>.</param>
    public static Context CreateOfflineContext(OptimizationLevel level = OptimizationLevel.O1) =>
        Context.Create(builder => builder.EnableAlgorithms().EnableKernelIntrinsics().Optimize(level));

    /// <summary>Compiles the kernel <paramref name="kernel"/> (explicitly grouped unless <paramref name="implicitlyGrouped"/>)
    /// to PTX for <paramref name="architecture"/>, with the newest instruction set that driver <paramref name="driver"/> accepts.</summary>
    public static string CompilePtx(Context context, MethodInfo kernel, CudaArchitecture architecture, CudaDriverVersion driver, bool implicitlyGrouped = false)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(kernel);
        CudaInstructionSet instructionSet = CudaAccelerator.GetInstructionSet(architecture, driver);
        using var backend = new PTXBackend(
            context, new CudaCapabilityContext(architecture), architecture, instructionSet, nvvmAPI: null);
        var compiled = (PTXCompiledKernel)backend.Compile(Describe(kernel, implicitlyGrouped), KernelSpecialization.Empty);
        return compiled.PTXAssembly;
    }

    /// <summary>Compiles the kernel <paramref name="kernel"/> (explicitly grouped unless <paramref name="implicitlyGrouped"/>)
    /// to OpenCL C (version 2.0 features with the generic address space and fp64, as ILGPU requires of OpenCL devices).</summary>
    public static string CompileOpenCL(Context context, MethodInfo kernel, CLDeviceVendor vendor = CLDeviceVendor.Other, bool implicitlyGrouped = false)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(kernel);
        var capabilities = new CLCapabilityContext(
            float16: false, float64: true, genericAddressSpace: true, int64_Atomics: false, subGroups: false);
        using var backend = new CLBackend(context, capabilities, vendor, CLCVersion.CL20);
        var compiled = (CLCompiledKernel)backend.Compile(Describe(kernel, implicitlyGrouped), KernelSpecialization.Empty);
        return compiled.Source;
    }

    private static EntryPointDescription Describe(MethodInfo kernel, bool implicitlyGrouped) =>
        implicitlyGrouped ? EntryPointDescription.FromImplicitlyGroupedKernel(kernel) : EntryPointDescription.FromExplicitlyGroupedKernel(kernel);
}
