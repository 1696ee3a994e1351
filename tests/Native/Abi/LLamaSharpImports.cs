using System.Reflection;
using System.Runtime.InteropServices;
using LLama.Native;

namespace LlamaJump.Tests.Native.Abi;

/// <summary>One native function LLamaSharp 0.30 declares ([DllImport]), with the library it names.</summary>
public sealed record LLamaSharpImport(string Library, string EntryPoint, MethodInfo Method);

/// <summary>Reflection over LLamaSharp.dll: its native declarations, how their managed types cross the ABI, and which
/// of them have a call site anywhere in LLamaSharp's IL.</summary>
public static class LLamaSharpImports
{
    public static Assembly Assembly => typeof(NativeApi).Assembly;

    public static IReadOnlyList<LLamaSharpImport> All { get; } = Collect();

    private static List<LLamaSharpImport> Collect()
    {
        var result = new List<LLamaSharpImport>();
        foreach (var type in Assembly.GetTypes())
        {
            foreach (var method in type.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                if (method.GetCustomAttribute<DllImportAttribute>() is { } import)
                {
                    result.Add(new LLamaSharpImport(import.Value, import.EntryPoint ?? method.Name, method));
                }
            }
        }
        return result;
    }

    public static AbiClass Classify(Type type, ICustomAttributeProvider attributes)
    {
        if (type.IsByRef || type.IsPointer || type.IsArray || type.IsFunctionPointer || type.IsUnmanagedFunctionPointer
            || type == typeof(string) || type == typeof(System.Text.StringBuilder)
            || typeof(SafeHandle).IsAssignableFrom(type) || typeof(Delegate).IsAssignableFrom(type)
            || type == typeof(nint) || type == typeof(nuint))
        {
            return AbiClass.Pointer;
        }
        if (type == typeof(void))
        {
            return AbiClass.Void;
        }
        if (type == typeof(bool))
        {
            var marshal = attributes.GetCustomAttributes(typeof(MarshalAsAttribute), false).OfType<MarshalAsAttribute>().FirstOrDefault();
            return AbiClass.Int(marshal?.Value is UnmanagedType.U1 or UnmanagedType.I1 ? 1 : 4);
        }
        if (type == typeof(float))
        {
            return AbiClass.Float;
        }
        if (type == typeof(double))
        {
            return AbiClass.Double;
        }
        if (type.IsEnum)
        {
            return AbiClass.Int(Marshal.SizeOf(Enum.GetUnderlyingType(type)));
        }
        if (type.IsPrimitive)
        {
            return AbiClass.Int(Marshal.SizeOf(type));
        }
        // a struct wrapping one integer (LLamaToken, LLamaPos, LLamaSeqId) travels as that integer
        var fields = type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);
        if (fields.Length == 1 && fields[0].FieldType.IsPrimitive && fields[0].FieldType != typeof(float) && fields[0].FieldType != typeof(double))
        {
            return AbiClass.Int(Marshal.SizeOf(fields[0].FieldType));
        }
        return AbiClass.Struct(Marshal.SizeOf(type));
    }

    /// <summary>Names of the [DllImport] methods that some method body in LLamaSharp.dll calls.</summary>
    public static IReadOnlySet<string> CalledEntryPoints { get; } = FindCallSites();

    private static HashSet<string> FindCallSites()
    {
        var imports = All.Select(i => i.Method).ToHashSet();
        var called = new HashSet<string>(StringComparer.Ordinal);
        foreach (var type in Assembly.GetTypes())
        {
            const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (MethodBase method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
            {
                byte[]? il;
                try
                {
                    il = method.GetMethodBody()?.GetILAsByteArray();
                }
                catch (Exception e) when (e is InvalidOperationException or BadImageFormatException)
                {
                    continue;
                }
                if (il is null)
                {
                    continue;
                }
                // call (0x28), callvirt (0x6F), ldftn (0xFE 0x06) are followed by a 4-byte method token
                for (int i = 0; i + 4 < il.Length; i++)
                {
                    if (il[i] is not (0x28 or 0x6F or 0x06))
                    {
                        continue;
                    }
                    try
                    {
                        if (method.Module.ResolveMethod(BitConverter.ToInt32(il, i + 1)) is MethodInfo callee && imports.Contains(callee))
                        {
                            called.Add(callee.GetCustomAttribute<DllImportAttribute>()!.EntryPoint ?? callee.Name);
                        }
                    }
                    catch (ArgumentException)
                    {
                        // bytes that are not a method token
                    }
                }
            }
        }
        return called;
    }
}
