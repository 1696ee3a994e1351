using System.CommandLine;
using System.Globalization;
using LlamaJump.App;
using LlamaJump.Shortcuts.Training;

namespace LlamaJump.Cli.Verbs;

/// <summary><c>llamajump params --hidden H --layers L [--rank R] [--exit-levels N]</c>: shortcut parameters of the
/// multi-jump set-up (the paper's one jump per block, and LlamaJump's one per exit level) against the single OJFA
/// jump. Reproduces the paper's section 4: GPT2-XL (1600, 48) 2.76M → 57.6K; Phi3-Mini (3072, 32) 6.29M → 196.6K;
/// Llama2-7B (4096, 32) 11.01M → 344.06K.</summary>
public static class ParamsVerb
{
    public static Command Create(JobContext context)
    {
        var hidden = new Option<int>("--hidden") { Description = "Hidden size H (n_embd)", Required = true };
        var layers = new Option<int>("--layers") { Description = "Transformer blocks L", Required = true };
        var rank = new Option<int?>("--rank") { Description = $"Rank r (default: max(⌊H/100⌋, {JumpRank.Floor}), as llamajump train)" };
        var exitLevels = new Option<int?>("--exit-levels") { Description = "Jumps LlamaJump trains (default: L − 1, block outputs 0 … L−2)" };
        var command = new Command("params", "Shortcut parameter counts, multi-jump against the single OJFA jump") { hidden, layers, rank, exitLevels };
        command.SetAction(parse => JobRunner.Run(context, () =>
        {
            int h = parse.GetValue(hidden), l = parse.GetValue(layers);
            if (h < 2)
                throw new UserInputException($"--hidden must be at least 2 (got {h})");
            if (l < 2)
                throw new UserInputException($"--layers must be at least 2: a jump needs an exit level before the last block (got {l})");
            int r = parse.GetValue(rank) ?? JumpRank.Default(h);
            if (r < 1 || r >= h)
                throw new UserInputException($"--rank must be between 1 and H − 1 = {h - 1} (got {r})");
            int n = parse.GetValue(exitLevels) ?? l - 1;
            if (n < 1 || n > l)
                throw new UserInputException($"--exit-levels must be between 1 and L = {l} (got {n})");
            Print(context.Out, JumpParameterCounts.For(h, l, r, n), parse.GetValue(rank) is null);
            return ExitCodes.Success;
        }));
        return command;
    }

    public static void Print(TextWriter o, JumpParameterCounts c, bool defaultRank)
    {
        string rankNote = defaultRank ? JumpRank.Explain(c.Hidden) : "--rank";
        o.WriteLine($"H {c.Hidden}, {c.Layers} blocks, rank {c.Rank} ({rankNote})");
        o.WriteLine($"per jump:          A {N(c.A)} + B {N(c.B)} + BatchNorm {N(c.BatchNorm)} = {Both(c.PerJump)}");
        o.WriteLine($"multi-jump:        {c.Layers} jumps, one per block (the paper) = {Both(c.PaperMulti)}");
        o.WriteLine($"multi-jump:        {c.ExitLevels} jumps, one per exit level (LlamaJump) = {Both(c.LlamaJumpMulti)}");
        o.WriteLine($"single jump (OJFA): {Both(c.Single)}: {Ratio(c.PaperMulti, c.Single)}× fewer than the paper's multi-jump, {Ratio(c.LlamaJumpMulti, c.Single)}× fewer than LlamaJump's");
    }

    private static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private static string Both(long n) => $"{N(n)} ({JumpParameterCounts.Compact(n)})";

    private static string Ratio(long a, long b) => ((double)a / b).ToString("0.##", CultureInfo.InvariantCulture);
}
