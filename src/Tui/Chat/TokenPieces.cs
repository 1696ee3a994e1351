using System.Text;
using LLama;

namespace LlamaJump.Tui.Chat;

/// <summary>A token's own text: its bytes decoded alone, an incomplete UTF-8 sequence shown as U+FFFD.</summary>
public static class TokenPieces
{
    public static string Of(LLamaWeights weights, int token)
    {
        Span<byte> bytes = stackalloc byte[64];
        uint length = weights.NativeHandle.TokenToSpan(token, bytes, 0, false);
        if (length > bytes.Length)
        {
            bytes = new byte[length];
            length = weights.NativeHandle.TokenToSpan(token, bytes, 0, false);
        }
        return Encoding.UTF8.GetString(bytes[..(int)Math.Min(length, (uint)bytes.Length)]);
    }
}
