using System.Text.Json;
using LlamaJump.Engine.Generation;

namespace LlamaJump.App.Bench;

/// <summary>
/// The JSON object of <c>bench exit --json</c> (schema "llamajump.bench-exit/1", documented in BENCH-EXIT.md): the
/// model, the jump file and the run's size, then <c>rows</c> — one per measured configuration (<c>mode</c> full | exit
/// | spec, <c>label</c>, <c>blocks_per_token</c>, <c>tokens_per_second</c>, <c>vs_full</c>, <c>ideal</c>,
/// <c>acceptance</c>) — and <c>sweep</c>, one per λ (<c>lambda</c>, <c>blocks_per_token</c>, <c>blocks_saved</c>,
/// <c>agreement</c>, <c>same_sequence</c>, <c>tokens_per_second</c>); then <c>guarded_candidates</c> (generate's default
/// candidates) and, with <c>--plan</c>, <c>planned_sweep</c> (per λ its planned <c>candidates</c>, the measured keys of
/// <c>sweep</c>, and <c>expected_blocks_per_token</c> and <c>expected_agreement</c> from the plan); with <c>--dump</c>,
/// <c>teacher_forced_sweep</c> (per λ and history, online on eval's test samples beside the offline replay of them). Keys in this order; a
/// value that does not apply (the ideal of an unmodelled row, acceptance outside spec) is null.
/// </summary>
public static class ExitBenchmarkJson
{
    public const string Schema = "llamajump.bench-exit/1";

    public static string Write(ExitBenchmarkResult r) => JsonFields.Indented(w =>
        {
            w.WriteStartObject();
            w.WriteString("schema", Schema);
            w.WriteModel(r.Model);
            w.WriteStartObject("jumps");
            w.WriteString("file", Path.GetFileName(r.JumpFile));
            w.WriteNumber("jump_level", r.JumpLevel);
            w.WriteEndObject();
            w.WriteNumber("tokens", r.Tokens);
            w.WriteNumber("prompts", r.Prompts);
            w.WriteNumber("repeats", r.Repeats);
            w.WriteStartArray("rows");
            foreach (var c in r.Cases)
            {
                w.WriteStartObject();
                w.WriteString("mode", c.Case.Settings.Mode.ToString().ToLowerInvariant());
                w.WriteString("label", c.Case.Name);
                w.WriteNumber("blocks_per_token", c.BlocksPerToken);
                w.WriteNumber("tokens_per_second", c.TokensPerSecond);
                w.WriteNumber("vs_full", c.Speedup);
                w.NumberOrNull("ideal", c.IdealSpeedup);
                w.NumberOrNull("acceptance", c.Case.Settings.Mode == GenerationMode.Spec ? c.Acceptance : null);
                if (c.TimeShares is { } t)
                {
                    w.WriteStartObject("time_shares");
                    w.WriteNumber("draft", t.Draft);
                    w.WriteNumber("verify", t.Verify);
                    w.WriteNumber("other", t.Other);
                    w.WriteEndObject();
                }
                else
                {
                    w.WriteNull("time_shares");
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("candidates");
            foreach (int level in r.Candidates)
                w.WriteNumberValue(level);
            w.WriteEndArray();
            w.WriteStartArray("sweep");
            for (int i = 0; i < r.Sweep.Count; i++)
            {
                var p = r.Sweep[i];
                w.WriteStartObject();
                w.WriteNumber("lambda", Math.Round(p.Lambda, 4));
                w.WriteNumber("blocks_per_token", p.BlocksPerToken);
                w.WriteNumber("blocks_saved", 1 - p.BlocksPerToken / r.Model.BlockCount);
                w.WriteNumber("agreement", p.Agreement);
                w.WriteNumber("same_sequence", p.SequenceAgreement);
                w.WriteNumber("tokens_per_second", p.TokensPerSecond);
                if (r.OfflineSweep is { } offline)
                {
                    w.WriteNumber("offline_blocks_per_token", offline[i].BlocksPerToken);
                    w.WriteNumber("offline_agreement", offline[i].Agreement);
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            if (r.GuardedCandidates is { } guarded)
            {
                w.WriteStartArray("guarded_candidates");
                foreach (int level in guarded)
                    w.WriteNumberValue(level);
                w.WriteEndArray();
            }
            if (r.PlannedSweep is { } planned)
            {
                w.WriteStartArray("planned_sweep");
                foreach (var p in planned)
                {
                    w.WriteStartObject();
                    w.WriteNumber("lambda", Math.Round(p.Measured.Lambda, 4));
                    w.WriteStartArray("candidates");
                    foreach (int level in p.Plan.Candidates)
                        w.WriteNumberValue(level);
                    w.WriteEndArray();
                    w.WriteNumber("blocks_per_token", p.Measured.BlocksPerToken);
                    w.WriteNumber("blocks_saved", 1 - p.Measured.BlocksPerToken / r.Model.BlockCount);
                    w.WriteNumber("agreement", p.Measured.Agreement);
                    w.WriteNumber("same_sequence", p.Measured.SequenceAgreement);
                    w.WriteNumber("tokens_per_second", p.Measured.TokensPerSecond);
                    w.WriteNumber("expected_blocks_per_token", p.Plan.Outcome.BlocksPerToken);
                    w.WriteNumber("expected_agreement", p.Plan.Outcome.Agreement);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            if (r.ForcedSweep is { } forced)
            {
                w.WriteStartArray("teacher_forced_sweep");
                foreach (var p in forced)
                {
                    w.WriteStartObject();
                    w.WriteNumber("lambda", Math.Round(p.Lambda, 4));
                    w.WriteString("history", p.History.Name());
                    w.WriteNumber("samples", p.Samples);
                    w.WriteNumber("blocks_per_token", p.BlocksPerToken);
                    w.WriteNumber("agreement", p.Agreement);
                    w.NumberOrNull("full_depth_agreement", p.FullDepthAgreement);
                    w.WriteNumber("same_exit", p.SameExit);
                    w.WriteNumber("offline_blocks_per_token", p.Offline.BlocksPerToken);
                    w.WriteNumber("offline_agreement", p.Offline.Agreement);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            w.WriteEndObject();
        });
}
