using System.Globalization;
using LlamaJump.App.Chat;
using LlamaJump.Engine.Generation;

namespace LlamaJump.Tui.Chat.Views;

/// <summary>
/// The live panel's text: model name and architecture, mode and λ, the per-level exit histogram of the current reply
/// and of the session (each level in its legend colour — bands of levels for models deeper than the palette — full
/// depth plain, with a bar scaled to the reply), mean blocks per token, tokens per second and, in spec mode, the
/// acceptance rate. <see cref="Compact"/> is the one-line form for narrow terminals.
/// </summary>
public static class StatsLines
{
    public static IReadOnlyList<StyledLine> Build(ChatController chat, int width)
    {
        var lines = new List<StyledLine>();
        var model = chat.Model;
        if (model is null)
        {
            lines.Add(new StyledLine("no model loaded (F5)"));
            return lines;
        }
        var info = model.Info;
        lines.Add(new StyledLine(info.FileName));
        lines.Add(new StyledLine(Invariant($"{info.Architecture}, {info.BlockCount} blocks × {info.EmbeddingLength}")));
        lines.Add(new StyledLine(model.Jumps is null ? "jumps: none" : $"jumps: {Path.GetFileName(model.JumpsPath)}"));
        lines.Add(new StyledLine(Invariant($"mode {Mode(chat.Settings.Mode)}  λ {chat.Settings.Lambda:0.00}")));
        lines.Add(new StyledLine("exit   reply session"));
        var reply = chat.ReplyCounts;
        var session = chat.SessionCounts;
        var rows = HistogramRows(reply.NLayer);
        var replyCounts = rows.Select(r => Sum(reply, r.First, r.Last)).ToList();
        int barWidth = Math.Max(0, width - 20);
        int max = Math.Max(1, replyCounts.DefaultIfEmpty(0).Max());
        for (int i = 0; i < rows.Count; i++)
        {
            var (label, first, last, colour) = rows[i];
            int count = replyCounts[i];
            int sessionCount = session.NLayer == reply.NLayer ? Sum(session, first, last) : 0;
            string bar = new('█', count == 0 ? 0 : Math.Max(1, count * barWidth / max));
            lines.Add(new StyledLine(
            [
                new StyledText(label.PadRight(6), colour),
                new StyledText(Invariant($"{count,4} {sessionCount,7} ")),
                new StyledText(bar, colour),
            ]));
        }
        lines.Add(new StyledLine(Invariant($"(L{reply.NLayer - 1}= full depth)")));
        var stats = chat.ReplyStats;
        double blocks = stats is { Tokens: > 0 } ? stats.BlocksPerToken : reply.MeanBlocks;
        lines.Add(new StyledLine(Invariant($"blocks/token {blocks:0.00} of {info.BlockCount}")));
        lines.Add(new StyledLine(Invariant($"tokens/s     {stats?.TokensPerSecond ?? 0:0.0}")));
        if (chat.Settings.Mode == GenerationMode.Spec)
        {
            lines.Add(new StyledLine(Invariant($"accepted     {(stats?.AcceptanceRate ?? 0) * 100:0}%")));
        }
        lines.Add(Legend(info.BlockCount));
        return lines;
    }

    /// <summary>One histogram row per exit level, or per colour band of levels when there are more levels than
    /// colours (deep models), then the full-depth row "L{n−1}=".</summary>
    private static List<(string Label, int First, int Last, Terminal.Gui.Drawing.Color? Colour)> HistogramRows(int nLayer)
    {
        var rows = ExitPalette.Legend(nLayer)
            .Select(b => (b.First == b.Last ? Invariant($"L{b.First}") : Invariant($"L{b.First}-{b.Last}"), b.First, b.Last, (Terminal.Gui.Drawing.Color?)b.Color))
            .ToList();
        rows.Add((Invariant($"L{nLayer - 1}="), nLayer - 1, nLayer - 1, null));
        return rows;
    }

    private static int Sum(ExitCounts counts, int first, int last) =>
        Enumerable.Range(first, last - first + 1).Sum(k => counts.Counts[k]);

    /// <summary>"colours: L0 L1 L2 L3 full" with each label in its colour.</summary>
    public static StyledLine Legend(int nLayer)
    {
        var parts = new List<StyledText> { new("colours:") };
        foreach (var (first, last, colour) in ExitPalette.Legend(nLayer))
        {
            parts.Add(new StyledText(first == last ? Invariant($" L{first}") : Invariant($" L{first}-{last}"), colour));
        }
        parts.Add(new StyledText(" full"));
        return new StyledLine(parts);
    }

    /// <summary>One line: the reply's exits per level, blocks/token, tokens/s, λ and mode.</summary>
    public static string Compact(ChatController chat)
    {
        if (chat.Model is null)
        {
            return "no model (F5)";
        }
        var reply = chat.ReplyCounts;
        string exits = string.Join(' ', reply.Counts.Select((c, k) => Invariant($"L{k}:{c}")).Where((_, k) => reply.Counts[k] > 0));
        var stats = chat.ReplyStats;
        string spec = chat.Settings.Mode == GenerationMode.Spec ? Invariant($" acc {(stats?.AcceptanceRate ?? 0) * 100:0}%") : "";
        return Invariant($"{(exits.Length == 0 ? "L-:0" : exits)} {reply.MeanBlocks:0.0}blk {stats?.TokensPerSecond ?? 0:0}t/s λ{chat.Settings.Lambda:0.00} {Mode(chat.Settings.Mode)}{spec}");
    }

    public static string Mode(GenerationMode mode) => mode.ToString().ToLowerInvariant();

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
