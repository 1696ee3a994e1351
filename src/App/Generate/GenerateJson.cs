using System.Text.Json;
using LlamaJump.App;
using LlamaJump.Engine.Generation;

namespace LlamaJump.App.Generate;

/// <summary>
/// The stable JSON object of <c>generate --json</c> (schema "llamajump.generate/1", documented in GENERATE.md):
/// model, jumps, settings, prompt, text, tokens (id, piece, exit_layer, accepted_draft in spec mode) and stats
/// (tokens, blocks_per_token, tokens_per_second, acceptance_rate, exit_histogram; with --compare agreement,
/// sequence_agreement, full_tokens_per_second, speedup). Keys are written in this order; absent values are null.
/// </summary>
public static class GenerateJson
{
    public const string Schema = "llamajump.generate/1";

    public static string Write(GenerateResult result) => JsonFields.Indented(w =>
        {
            var o = result.Options;
            var settings = result.Settings;
            bool spec = settings.Mode == GenerationMode.Spec;
            w.WriteStartObject();
            w.WriteString("schema", Schema);
            w.WriteModel(result.Model);
            if (result.JumpFile is { } jumpFile)
            {
                w.WriteStartObject("jumps");
                w.WriteString("file", Path.GetFileName(jumpFile));
                w.WriteNumber("jump_level", result.JumpLevel ?? -1);
                w.WriteEndObject();
            }
            else
            {
                w.WriteNull("jumps");
            }
            w.WriteString("mode", settings.Mode.ToString().ToLowerInvariant());
            w.WriteNumber("lambda", settings.Lambda);
            w.NumberOrNull("exit_layer", settings.Mode == GenerationMode.Exit ? settings.ExitLayer : null);
            w.WriteStartArray("candidates");
            foreach (int level in settings.Candidates ?? ExitCandidates.Default(result.Model.BlockCount))
                w.WriteNumberValue(level);
            w.WriteEndArray();
            w.WriteString("fill", settings.Fill.ToString().ToLowerInvariant());
            w.NumberOrNull("draft_layer", spec ? result.DraftBlock : null);
            w.NumberOrNull("draft_length", spec ? settings.DraftLength : null);
            w.NumberOrNull("draft_threshold", spec ? settings.DraftThreshold : null);
            if (result.PlanReason is { } reason)
                w.WriteString("draft_plan", reason);
            else
                w.WriteNull("draft_plan");
            w.WriteStartObject("sampling");
            w.WriteNumber("temperature", o.Sampling.Temperature);
            w.WriteNumber("top_k", o.Sampling.TopK);
            w.WriteNumber("top_p", o.Sampling.TopP);
            w.WriteNumber("repeat_penalty", o.Sampling.RepeatPenalty);
            w.WriteNumber("seed", o.Sampling.Seed);
            w.WriteEndObject();
            w.WriteString("prompt", o.Prompt);
            w.WriteString("text", result.Text);
            w.WriteStartArray("tokens");
            foreach (var token in result.Tokens)
            {
                w.WriteStartObject();
                w.WriteNumber("id", token.Id);
                w.WriteString("piece", token.Piece);
                w.WriteNumber("exit_layer", token.ExitLayer);
                if (spec)
                    w.WriteBoolean("accepted_draft", token.DraftAccepted == true);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            WriteStats(w, result.Stats, result.Compare);
            w.WriteEndObject();
        }) + "\n";

    private static void WriteStats(Utf8JsonWriter w, GenerationStats stats, Comparison? compare)
    {
        w.WriteStartObject("stats");
        w.WriteNumber("tokens", stats.Tokens);
        w.WriteNumber("blocks_per_token", Math.Round(stats.BlocksPerToken, 4));
        w.WriteNumber("tokens_per_second", Math.Round(stats.TokensPerSecond, 2));
        if (stats.AcceptanceRate is { } rate)
            w.WriteNumber("acceptance_rate", Math.Round(rate, 4));
        else
            w.WriteNull("acceptance_rate");
        w.WriteStartArray("exit_histogram");
        foreach (int count in stats.ExitHistogram)
            w.WriteNumberValue(count);
        w.WriteEndArray();
        if (compare is not null)
        {
            w.WriteNumber("agreement", Math.Round(compare.Agreement, 4));
            w.WriteNumber("sequence_agreement", Math.Round(compare.SequenceAgreement, 4));
            w.WriteNumber("full_tokens_per_second", Math.Round(compare.FullTokensPerSecond, 2));
            if (double.IsFinite(compare.Speedup))
                w.WriteNumber("speedup", Math.Round(compare.Speedup, 3));
            else
                w.WriteNull("speedup");
        }
        w.WriteEndObject();
    }
}
