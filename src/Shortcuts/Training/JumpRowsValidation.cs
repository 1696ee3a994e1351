using System.Numerics.Tensors;

namespace LlamaJump.Shortcuts.Training;

/// <summary>Checks training rows before any training: every value of every block must be finite.</summary>
public static class JumpRowsValidation
{
    /// <summary>Throws <see cref="JumpTrainingException"/> naming the first block (level) and sample that holds a NaN
    /// or an infinity: "dump d (train split): block 3, sample 17 (row 12) holds NaN at element 5". Reads every row
    /// once, in chunks of at most ~16 MiB.</summary>
    public static void EnsureFinite(IJumpRows rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        int h = rows.NEmbd;
        int chunkRows = Math.Max(1, Math.Min(rows.Count, (4 << 20) / h));
        var buffer = new float[chunkRows * h];
        for (int block = 0; block < rows.NLayer; block++)
        {
            for (int first = 0; first < rows.Count; first += chunkRows)
            {
                int n = Math.Min(chunkRows, rows.Count - first);
                var chunk = buffer.AsSpan(0, n * h);
                rows.ReadRows(block, first, chunk);
                if (TensorPrimitives.IsFiniteAll<float>(chunk))
                    continue;
                int index = IndexOfNonFinite(chunk);
                int row = first + index / h;
                float value = chunk[index];
                string what = float.IsNaN(value) ? "NaN" : value > 0 ? "+Inf" : "-Inf";
                throw new JumpTrainingException(
                    $"{rows.Name}: block {block}, sample {rows.SampleIndex(row)} (row {row}) holds {what} at element {index % h}; hidden states must be finite");
            }
        }
    }

    private static int IndexOfNonFinite(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
                return i;
        }
        return -1;
    }
}
