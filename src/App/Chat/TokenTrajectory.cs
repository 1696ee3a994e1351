namespace LlamaJump.App.Chat;

/// <summary>A token as some lens reads it: id, text, and its probability under that lens' softmax.</summary>
public sealed record TokenGuess(int Id, string Text, double Probability);

/// <summary>What block <see cref="Level"/>'s hidden state predicts: through the identity lens (the model's head on
/// h^k), through the jump (head(jump(h^k)), null without jumps and at the last block), and the identity lens'
/// entropy in nats.</summary>
public sealed record LevelReading(int Level, TokenGuess Identity, TokenGuess? Jump, double Entropy);

/// <summary>A generated token's trajectory through the depth: one reading per block, shallow to deep.
/// <see cref="DecidedAt"/> is the shallowest block from which every deeper identity-lens top-1 equals the token —
/// where the model "made up its mind" (n_layer − 1 when only the last block agrees).</summary>
public sealed record TokenTrajectory(int Token, string Text, IReadOnlyList<LevelReading> Levels)
{
    public int DecidedAt
    {
        get
        {
            int level = Levels.Count - 1;
            while (level > 0 && Levels[level - 1].Identity.Id == Token)
            {
                level--;
            }
            return level;
        }
    }
}
