using System.Globalization;
using LlamaJump.App.Chat;

namespace LlamaJump.Tui.Chat.Views;

/// <summary>
/// The token inspector's text: per block the identity lens' top-1 token and probability, the jump's (when the model
/// has jumps) and the identity lens' entropy; the block where the model settled is marked with '*'.
/// </summary>
public static class InspectorLines
{
    public static IReadOnlyList<StyledLine> Build(TokenTrajectory? trajectory, int nLayer)
    {
        if (trajectory is null)
        {
            return [new StyledLine("Tab, ←/→: pick a token"), new StyledLine("Enter: inspect it")];
        }
        var lines = new List<StyledLine>
        {
            new(string.Create(CultureInfo.InvariantCulture, $"token '{ChatController.Printable(trajectory.Text)}' #{trajectory.Token}")),
            new("k  lens        jump       H"),
        };
        int decided = trajectory.DecidedAt;
        foreach (var level in trajectory.Levels)
        {
            string jump = level.Jump is { } j ? Guess(j) : "-".PadRight(10);
            lines.Add(new StyledLine(
            [
                new StyledText(string.Create(CultureInfo.InvariantCulture, $"{level.Level}{(level.Level == decided ? "*" : " ")}"), ExitPalette.ForLevel(level.Level, nLayer)),
                new StyledText(string.Create(CultureInfo.InvariantCulture, $" {Guess(level.Identity)} {jump} {level.Entropy:0.0}")),
            ]));
        }
        return lines;
    }

    private static string Guess(TokenGuess guess)
    {
        string text = ChatController.Printable(guess.Text).Trim();
        if (text.Length > 5)
        {
            text = text[..5];
        }
        return string.Create(CultureInfo.InvariantCulture, $"{text,-5}{guess.Probability,4:0.00}").PadRight(10);
    }
}
