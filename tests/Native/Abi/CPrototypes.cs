using System.Text.RegularExpressions;

namespace LlamaJump.Tests.Native.Abi;

/// <summary>How a value crosses the x86-64 System V boundary: integer class of a given width, float, double, a struct
/// passed by value (by its size), or nothing. Two declarations agree when every argument and the return agree.</summary>
public readonly record struct AbiClass(string Kind, long Size)
{
    public static readonly AbiClass Void = new("void", 0);
    public static readonly AbiClass Pointer = new("int", 8);
    public static AbiClass Int(long size) => new("int", size);
    public static AbiClass Struct(long size) => new("struct", size);
    public static readonly AbiClass Float = new("float", 4);
    public static readonly AbiClass Double = new("float", 8);
    public override string ToString() => Kind == "void" ? "void" : $"{Kind}{Size * 8}";
}

/// <summary>One exported function as the C headers declare it.</summary>
public sealed record CPrototype(string Name, string ReturnType, IReadOnlyList<string> Parameters);

/// <summary>
/// A deliberately small reader of the LLAMA_API / GGML_API prototypes in the patched headers: it strips comments and
/// DEPRECATED(...) wrappers, splits parameters at top-level commas, and classifies each C type with the headers' own
/// typedefs. It is enough for llama.h and ggml's headers, which keep one declaration per statement.
/// </summary>
public sealed class CPrototypes
{
    private readonly Dictionary<string, string> _typedefs = new(StringComparer.Ordinal);
    private readonly Func<string, long?> _structSize;

    public IReadOnlyDictionary<string, CPrototype> Functions { get; }

    public CPrototypes(IEnumerable<string> headerPaths, Func<string, long?> structSize)
    {
        _structSize = structSize;
        var functions = new Dictionary<string, CPrototype>(StringComparer.Ordinal);
        foreach (var path in headerPaths)
        {
            string text = StripComments(File.ReadAllText(path));
            ReadTypedefs(text);
            foreach (var proto in ReadPrototypes(text))
            {
                functions.TryAdd(proto.Name, proto);
            }
        }
        Functions = functions;
    }

    private static string Normalize(string cType) =>
        Regex.Replace(Regex.Replace(cType, @"\b(const|volatile|struct|GGML_RESTRICT|restrict)\b", " "), @"\s+", " ").Trim();

    public AbiClass Classify(string cType)
    {
        string t = Normalize(cType);
        if (t.Contains('*') || t.Contains('[') || t.Contains("(*"))
        {
            return AbiClass.Pointer;
        }
        if (t.StartsWith("enum ", StringComparison.Ordinal))
        {
            return AbiClass.Int(4);
        }
        switch (t)
        {
            case "void": return AbiClass.Void;
            case "bool" or "char" or "int8_t" or "uint8_t" or "unsigned char": return AbiClass.Int(1);
            case "int16_t" or "uint16_t": return AbiClass.Int(2);
            case "int" or "unsigned" or "unsigned int" or "int32_t" or "uint32_t": return AbiClass.Int(4);
            case "int64_t" or "uint64_t" or "size_t" or "long" or "intptr_t" or "uintptr_t": return AbiClass.Int(8);
            case "float": return AbiClass.Float;
            case "double": return AbiClass.Double;
        }
        if (_typedefs.TryGetValue(t, out var target) && Normalize(target) != t)
        {
            return Classify(target);
        }
        if (Regex.IsMatch(t, @"^(enum )?(llama|ggml)_\w+_type$|^enum ") || t is "ggml_log_level" or "ggml_numa_strategy")
        {
            return AbiClass.Int(4);
        }
        if (_structSize(t) is long size)
        {
            return AbiClass.Struct(size);
        }
        throw new InvalidOperationException($"cannot classify C type '{cType}'");
    }

    private static string StripComments(string text) =>
        Regex.Replace(Regex.Replace(text, @"/\*.*?\*/", " ", RegexOptions.Singleline), @"//[^\n]*", " ");

    private void ReadTypedefs(string text)
    {
        // typedef <type> <name>;   (struct bodies and function pointers are pointers or structs)
        foreach (Match m in Regex.Matches(text, @"typedef\s+([^;{}()]+?)\s+(\w+)\s*;"))
        {
            _typedefs.TryAdd(m.Groups[2].Value, m.Groups[1].Value);
        }
        foreach (Match m in Regex.Matches(text, @"typedef\s+[^;{}]*?\(\s*\*\s*(\w+)\s*\)"))
        {
            _typedefs.TryAdd(m.Groups[1].Value, "void *");
        }
        foreach (Match m in Regex.Matches(text, @"typedef\s+enum\s+\w*\s*\{[^}]*\}\s*(\w+)\s*;"))
        {
            _typedefs.TryAdd(m.Groups[1].Value, "enum _");
        }
        foreach (Match m in Regex.Matches(text, @"typedef\s+struct\s+(\w+)\s*\{"))
        {
            _typedefs.TryAdd(m.Groups[1].Value, "struct " + m.Groups[1].Value);
        }
    }

    private static IEnumerable<CPrototype> ReadPrototypes(string text)
    {
        foreach (Match m in Regex.Matches(text, @"(?:LLAMA_API|GGML_API|GGML_BACKEND_API)\s+([^;{}]*?\))\s*(?:,\s*""[^""]*""\s*\))?\s*;", RegexOptions.Singleline))
        {
            string decl = Regex.Replace(m.Groups[1].Value, @"\s+", " ").Trim();
            int open = decl.IndexOf('(');
            if (open < 0)
            {
                continue;
            }
            string head = decl[..open].Trim();
            var nameMatch = Regex.Match(head, @"(\w+)$");
            if (!nameMatch.Success)
            {
                continue;
            }
            string name = nameMatch.Groups[1].Value;
            string returnType = head[..nameMatch.Index].Trim();
            int close = MatchingParen(decl, open);
            if (close < 0)
            {
                continue;
            }
            var parameters = SplitTopLevel(decl[(open + 1)..close])
                .Select(StripParameterName)
                .Where(p => p.Length > 0 && p != "void")
                .ToList();
            yield return new CPrototype(name, returnType, parameters);
        }
    }

    private static int MatchingParen(string s, int open)
    {
        int depth = 0;
        for (int i = open; i < s.Length; i++)
        {
            depth += s[i] == '(' ? 1 : s[i] == ')' ? -1 : 0;
            if (depth == 0)
            {
                return i;
            }
        }
        return -1;
    }

    private static IEnumerable<string> SplitTopLevel(string s)
    {
        int depth = 0, start = 0;
        for (int i = 0; i < s.Length; i++)
        {
            depth += s[i] is '(' or '[' ? 1 : s[i] is ')' or ']' ? -1 : 0;
            if (s[i] == ',' && depth == 0)
            {
                yield return s[start..i].Trim();
                start = i + 1;
            }
        }
        yield return s[start..].Trim();
    }

    // "const char * name" -> "const char *"; "float x[]" -> "float *"; function pointers stay as they are (pointers).
    private static string StripParameterName(string p)
    {
        if (p.Contains("(*", StringComparison.Ordinal) || p.Contains("( *", StringComparison.Ordinal))
        {
            return "void *";
        }
        string t = p.Replace("[]", " *", StringComparison.Ordinal);
        var m = Regex.Match(t, @"^(.*?[\s\*])(\w+)$");
        if (m.Success && !IsTypeWordOnly(m.Groups[1].Value))
        {
            return m.Groups[1].Value.Trim();
        }
        return t.Trim();
    }

    private static bool IsTypeWordOnly(string prefix) => Regex.IsMatch(prefix.Trim(), @"^(const|struct|enum|unsigned)$");
}
