namespace LlamaJump.App;

/// <summary>Left-aligned plain-text columns separated by two spaces (numbers right-aligned), for terminal output.</summary>
public static class TextTable
{
    public static void Write(TextWriter writer, IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> rows, ISet<int>? rightAligned = null)
    {
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        void Line(IReadOnlyList<string> cells) => writer.WriteLine(string.Join("  ", cells.Select((c, i) =>
            rightAligned?.Contains(i) == true ? c.PadLeft(widths[i]) : c.PadRight(widths[i]))).TrimEnd());
        Line(header);
        foreach (var row in rows)
        {
            Line(row);
        }
    }

    /// <summary>1536 → "1.5 KiB"; binary units, one decimal.</summary>
    public static string Bytes(long n)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double value = n;
        int unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? $"{n} B" : $"{value:0.0} {units[unit]}";
    }
}
