using System.Text;

namespace LlamaJump.Gguf;

/// <summary>Text from a file, made safe to put in a one-line error message.</summary>
public static class GgufText
{
    private const int MaxLength = 80;

    /// <summary>Single-quoted, control characters escaped as \uXXXX, cut to 80 characters with "…".</summary>
    public static string Quote(string text)
    {
        bool cut = text.Length > MaxLength;
        var sb = new StringBuilder(Math.Min(text.Length, MaxLength) + 3);
        sb.Append('\'');
        foreach (char c in cut ? text.AsSpan(0, MaxLength) : text.AsSpan())
        {
            if (char.IsControl(c))
                sb.Append($"\\u{(int)c:x4}");
            else
                sb.Append(c);
        }
        if (cut)
            sb.Append('…');
        sb.Append('\'');
        return sb.ToString();
    }
}
