using LlamaJump.Engine;
using LlamaJump.Engine.Generation;
using LlamaJump.Interop;
using LlamaJump.Shortcuts.Jumps;

namespace LlamaJump.App.Chat;

/// <summary>
/// Replays a token's prefix with every block captured and reads each block's hidden state h^k through the model's
/// own head: the identity lens head(h^k) and, with a jump set, the OJFA jump head(jump(h^k)) for k below the last
/// block (the jump maps to the last block's output, so it has nothing to do there). Uses the session's KV cache
/// (cleared) and turns capture off again afterwards; call it only between generations.
/// </summary>
public sealed class TokenInspector(ModelSession session, JumpSet? jumps)
{
    public TokenTrajectory Inspect(IReadOnlyList<int> prefix, int token)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        int nLayer = session.NLayer, nEmbd = session.NEmbd, nVocab = session.NVocab;
        float[] hidden;
        try
        {
            hidden = new CaptureDecoder(session).Decode([prefix.ToArray()]).Hidden;
        }
        finally
        {
            _ = new CaptureDecoder(session, capture: false);
        }
        var identity = new float[nLayer * nVocab];
        OutputHead.Apply(session.Context, hidden, nLayer, identity);
        float[]? jumped = null;
        if (jumps is not null && nLayer > 1)
        {
            var shortcut = new float[(nLayer - 1) * nEmbd];
            jumps.OjfaJump.Apply(hidden.AsSpan(0, (nLayer - 1) * nEmbd), shortcut, nLayer - 1);
            jumped = new float[(nLayer - 1) * nVocab];
            OutputHead.Apply(session.Context, shortcut, nLayer - 1, jumped);
        }
        var levels = new LevelReading[nLayer];
        for (int k = 0; k < nLayer; k++)
        {
            var (guess, entropy) = Read(identity.AsSpan(k * nVocab, nVocab));
            TokenGuess? viaJump = jumped is not null && k < nLayer - 1 ? Read(jumped.AsSpan(k * nVocab, nVocab)).Guess : null;
            levels[k] = new LevelReading(k, guess, viaJump, entropy);
        }
        return new TokenTrajectory(token, TokenPiece.Of(session.Weights, token), levels);
    }

    private (TokenGuess Guess, double Entropy) Read(ReadOnlySpan<float> logits)
    {
        var (top, _) = CaptureDecoder.Top1(logits);
        double max = logits[top], sum = 0;
        foreach (float x in logits)
        {
            sum += Math.Exp(x - max);
        }
        double entropy = 0;
        foreach (float x in logits)
        {
            double p = Math.Exp(x - max) / sum;
            if (p > 0)
            {
                entropy -= p * Math.Log(p);
            }
        }
        return (new TokenGuess(top, TokenPiece.Of(session.Weights, top), 1 / sum), entropy);
    }
}
