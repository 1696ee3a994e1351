using LlamaJump.App.Chat;
using LlamaJump.Engine.Generation;
using Terminal.Gui.Drawing;

namespace LlamaJump.Tui.Chat.Views;

/// <summary>
/// The colour of a generated token. A token from an early exit at block k gets the colour of its depth: with up to
/// <see cref="Colors"/>.Length exit levels (blocks 0 … n_layer − 2) one colour per level, shallow (red) to deep
/// (blue); with more, each colour covers an equal band of levels. Full-depth tokens are plain (null). In spec mode a
/// correction (<see cref="GeneratedToken.DraftAccepted"/> false) is marked <see cref="Correction"/> instead, and an
/// accepted draft keeps the colour of the block its draft exited at.
/// </summary>
public static class ExitPalette
{
    public static readonly Color[] Colors =
    [
        new(ColorName16.BrightRed),
        new(ColorName16.BrightYellow),
        new(ColorName16.BrightGreen),
        new(ColorName16.BrightCyan),
        new(ColorName16.BrightBlue),
        new(ColorName16.BrightMagenta),
    ];

    /// <summary>Foreground and background of a spec-mode correction.</summary>
    public static readonly (Color Foreground, Color Background) Correction = (new(ColorName16.White), new(ColorName16.Red));

    /// <summary>The colour for an exit at <paramref name="exitLayer"/> in a model of <paramref name="nLayer"/>
    /// blocks; null for full depth.</summary>
    public static Color? ForLevel(int exitLayer, int nLayer)
    {
        int exitLevels = nLayer - 1;
        if (exitLayer < 0 || exitLayer >= exitLevels)
        {
            return null;
        }
        return Colors[Band(exitLayer, exitLevels)];
    }

    /// <summary>The levels each colour stands for, for the legend: (first level, last level, colour).</summary>
    public static IReadOnlyList<(int First, int Last, Color Color)> Legend(int nLayer)
    {
        int exitLevels = nLayer - 1;
        var bands = new List<(int, int, Color)>();
        for (int level = 0; level < exitLevels; level++)
        {
            int band = Band(level, exitLevels);
            if (bands.Count > 0 && bands[^1].Item3 == Colors[band])
            {
                bands[^1] = (bands[^1].Item1, level, Colors[band]);
            }
            else
            {
                bands.Add((level, level, Colors[band]));
            }
        }
        return bands;
    }

    private static int Band(int level, int exitLevels) =>
        exitLevels <= Colors.Length ? level : (int)((long)level * Colors.Length / exitLevels);
}
