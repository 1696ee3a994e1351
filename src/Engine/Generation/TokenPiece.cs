using System.Text;
using LLama;
using LlamaJump.Interop;

namespace LlamaJump.Engine.Generation;

/// <summary>A token's own text: its bytes decoded alone, so an incomplete UTF-8 sequence reads as U+FFFD.</summary>
public static class TokenPiece
{
    public static string Of(LLamaWeights weights, int token)
    {
        byte[] buffer = new byte[64];
        uint length = weights.NativeHandle.TokenToSpan(token, buffer, 0, false);
        if (length > buffer.Length)
        {
            buffer = new byte[length];
            length = weights.NativeHandle.TokenToSpan(token, buffer, 0, false);
        }
        return Encoding.UTF8.GetString(buffer, 0, (int)Math.Min(length, (uint)buffer.Length));
    }
}
