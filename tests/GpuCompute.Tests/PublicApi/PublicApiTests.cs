using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using NUnit.Framework;

namespace GpuCompute.Tests.PublicApi;

/// <summary>
/// The public surface of the libraries, compared with a checked-in listing, so that it changes only on purpose: a
/// failure shows what was added and removed. After an intended change, run the tests once with
/// <c>GPUCOMPUTE_UPDATE_API=1</c> to rewrite the listing, and commit it with the change.
/// </summary>
public sealed class PublicApiTests
{
    [TestCase("GpuCompute")]
    [TestCase("GpuCompute.Kernels")]
    [TestCase("GpuCompute.MathNet")]
    public void PublicApi_MatchesTheCheckedInListing(string assembly)
    {
        string listing = Path.Combine(SourceFolder(), $"{assembly}.api.txt");
        string actual = Describe(Assembly.Load(assembly));
        if (Environment.GetEnvironmentVariable("GPUCOMPUTE_UPDATE_API") == "1")
        {
            File.WriteAllText(listing, actual);
            Assert.Pass($"Rewrote {listing}.");
        }

        Assert.That(File.Exists(listing), Is.True, $"No listing at {listing}: run the tests with GPUCOMPUTE_UPDATE_API=1 to create it.");
        string[] expected = File.ReadAllLines(listing), now = actual.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string[] added = now.Except(expected).ToArray(), removed = expected.Except(now).ToArray();
        Assert.That(
            added.Length + removed.Length,
            Is.Zero,
            $"The public API of {assembly} changed. If that is intended, rerun with GPUCOMPUTE_UPDATE_API=1 and commit {Path.GetFileName(listing)}.\n"
            + $"Added:\n  {string.Join("\n  ", added)}\nRemoved:\n  {string.Join("\n  ", removed)}");
    }

    /// <summary>One line per public type and per public or protected member, sorted.</summary>
    internal static string Describe(Assembly assembly)
    {
        var lines = new List<string>();
        foreach (Type type in assembly.GetExportedTypes())
        {
            string name = TypeName(type, full: true);
            lines.Add($"{Kind(type)} {name}{Bases(type)}");
            const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (MemberInfo member in type.GetMembers(all))
            {
                if (Describe(member) is string line)
                {
                    lines.Add($"{name} :: {line}");
                }
            }
        }

        lines.Sort(StringComparer.Ordinal);
        return string.Join('\n', lines) + "\n";
    }

    private static string? Describe(MemberInfo member) => member switch
    {
        ConstructorInfo c when Visible(c) => $"ctor({Parameters(c)})",
        MethodInfo m when Visible(m) && !m.IsSpecialName => $"{(m.IsStatic ? "static " : string.Empty)}{(m.IsAbstract ? "abstract " : m.IsVirtual && !m.IsFinal ? "virtual " : string.Empty)}{TypeName(m.ReturnType)} {m.Name}{Generics(m)}({Parameters(m)})",
        PropertyInfo p when (p.GetMethod is { } g && Visible(g)) || (p.SetMethod is { } s && Visible(s)) =>
            $"property {TypeName(p.PropertyType)} {p.Name} {{{(p.GetMethod is { } get && Visible(get) ? " get;" : string.Empty)}{(p.SetMethod is { } set && Visible(set) ? (set.ReturnParameter.GetRequiredCustomModifiers().Any(t => t.Name == "IsExternalInit") ? " init;" : " set;") : string.Empty)} }}",
        FieldInfo f when f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly => $"{(f.IsLiteral ? "const " : f.IsStatic ? "static " : string.Empty)}field {TypeName(f.FieldType)} {f.Name}",
        EventInfo e when e.AddMethod is { } add && Visible(add) => $"event {TypeName(e.EventHandlerType!)} {e.Name}",
        _ => null,
    };

    private static bool Visible(MethodBase method) => method.IsPublic || method.IsFamily || method.IsFamilyOrAssembly;

    private static string Kind(Type type) =>
        type.IsInterface ? "interface"
        : type.IsEnum ? "enum"
        : type.IsValueType ? (type.IsDefined(typeof(IsReadOnlyAttribute)) ? "readonly struct" : "struct")
        : typeof(Delegate).IsAssignableFrom(type) ? "delegate"
        : type.IsAbstract && type.IsSealed ? "static class"
        : $"{(type.IsSealed ? "sealed " : type.IsAbstract ? "abstract " : string.Empty)}class";

    private static string Bases(Type type)
    {
        var bases = new List<string>();
        if (type.BaseType is { } b && b != typeof(object) && b != typeof(ValueType) && b != typeof(Enum))
        {
            bases.Add(TypeName(b));
        }

        bases.AddRange(type.GetInterfaces().Where(i => i.IsPublic || i.IsNestedPublic).Select(i => TypeName(i)).Order(StringComparer.Ordinal));
        return bases.Count == 0 ? string.Empty : " : " + string.Join(", ", bases);
    }

    private static string Generics(MethodInfo method) =>
        method.IsGenericMethodDefinition ? $"<{string.Join(", ", method.GetGenericArguments().Select(a => a.Name))}>" : string.Empty;

    private static string Parameters(MethodBase method) =>
        string.Join(", ", method.GetParameters().Select(p =>
            $"{(p.IsOut ? "out " : p.ParameterType.IsByRef ? "ref " : string.Empty)}{TypeName(p.ParameterType)} {p.Name}{(p.HasDefaultValue ? " = " + (p.DefaultValue ?? "null") : string.Empty)}"));

    private static string TypeName(Type type, bool full = false)
    {
        if (type.IsByRef || type.IsPointer)
        {
            return TypeName(type.GetElementType()!, full) + (type.IsPointer ? "*" : string.Empty);
        }

        if (type.IsArray)
        {
            return $"{TypeName(type.GetElementType()!, full)}[{new string(',', type.GetArrayRank() - 1)}]";
        }

        if (type.IsGenericParameter)
        {
            return type.Name;
        }

        var name = new StringBuilder();
        if (type.IsNested)
        {
            name.Append(TypeName(type.DeclaringType!, full)).Append('.');
        }
        else if (full && type.Namespace is not null)
        {
            name.Append(type.Namespace).Append('.');
        }

        string simple = type.Name;
        int tick = simple.IndexOf('`', StringComparison.Ordinal);
        name.Append(tick < 0 ? simple : simple[..tick]);
        Type[] arguments = type.GetGenericArguments();
        if (type.IsNested)
        {
            arguments = arguments.Skip(type.DeclaringType!.GetGenericArguments().Length).ToArray();
        }

        if (arguments.Length > 0)
        {
            name.Append('<').Append(string.Join(", ", arguments.Select(a => TypeName(a)))).Append('>');
        }

        return name.ToString();
    }

    private static string SourceFolder([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
