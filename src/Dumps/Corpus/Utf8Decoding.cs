using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace LlamaJump.Dumps.Corpus;

/// <summary>UTF-8 → string that never fails: every invalid sequence (maximal invalid subpart, as the Unicode
/// standard recommends) becomes one U+FFFD, and the invalid bytes are counted. A leading byte-order mark is
/// dropped.</summary>
internal static class Utf8Decoding
{
    public static string Decode(ReadOnlySpan<byte> bytes, out long invalidBytes)
    {
        invalidBytes = 0;
        if (bytes.StartsWith("\uFEFF"u8))
            bytes = bytes[3..];
        var builder = new StringBuilder(bytes.Length);
        char[] buffer = ArrayPool<char>.Shared.Rent(Math.Min(bytes.Length, 1 << 16) + 1);
        try
        {
            while (!bytes.IsEmpty)
            {
                var status = Utf8.ToUtf16(bytes, buffer, out int read, out int written,
                    replaceInvalidSequences: false, isFinalBlock: true);
                builder.Append(buffer, 0, written);
                bytes = bytes[read..];
                if (status is OperationStatus.InvalidData or OperationStatus.NeedMoreData)
                {
                    Rune.DecodeFromUtf8(bytes, out _, out int invalid);
                    invalid = Math.Max(invalid, 1);
                    builder.Append('\uFFFD');
                    invalidBytes += invalid;
                    bytes = bytes[invalid..];
                }
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
        return builder.ToString();
    }
}
