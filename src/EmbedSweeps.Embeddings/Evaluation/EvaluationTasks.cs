using EmbedSweeps.Embeddings.Data;
using EmbedSweeps.Embeddings.Hub;

namespace EmbedSweeps.Embeddings.Evaluation;

/// <summary>
/// The evaluation tasks EmbedSweeps knows, in one place: their names, what data each needs, and the evaluator
/// a request builds. Built-in: <c>stsb</c> (STS Benchmark, validation or test) and <c>banking77</c> (MTEB
/// Banking77Classification), <c>mnli-retrieval</c> (<see cref="MnliRetrieval"/>, held-out MNLI). On the user's data: <c>retrieval</c> (a BEIR folder), <c>sts</c> (sentence1,
/// sentence2, score), <c>pair-classification</c> (sentence1, sentence2, label 0/1), <c>triplet</c> (anchor,
/// positive, negative) and <c>classification</c> (a folder with train and test files of text, label).
/// </summary>
public static class EvaluationTasks
{
    public static readonly string[] BuiltIn = ["stsb", "banking77", MnliRetrieval.TaskName];
    public static readonly string[] OnUserData = ["retrieval", "sts", "pair-classification", "triplet", "classification"];
    public static IEnumerable<string> Names => BuiltIn.Concat(OnUserData);

    /// <summary>The metric prefix a request's metrics get: its name, else stsb_SPLIT, banking77, or the data's file or folder name.</summary>
    public static string MetricPrefix(EvaluationRequest request) => request.Name ?? request.Task switch
    {
        "stsb" => $"stsb_{request.Split ?? "validation"}",
        "banking77" => request.Protocol == MtebProtocol.V2 ? "banking77" : "banking77_mteb_v1",
        MnliRetrieval.TaskName => "mnli_retrieval",
        _ => Sanitise(Path.GetFileNameWithoutExtension(Path.TrimEndingDirectorySeparator(request.Data ?? request.Task))),
    };

    /// <summary>Builds the evaluator for <paramref name="request"/>, reading its data now (so bad data is reported before any training).</summary>
    public static ISentenceEvaluator Create(EvaluationRequest request, DatasetResolver datasets, int batchSize = 64)
    {
        var name = MetricPrefix(request);
        var task = request.Task.ToLowerInvariant();
        Check(request, task);
        ISentenceEvaluator evaluator = task switch
        {
            "stsb" => new EmbeddingSimilarityEvaluator(name, EvaluationData.StsbPairs(datasets.Resolve("stsb"), request.Split ?? "validation"), batchSize),
            "banking77" => Banking77(request, datasets, name, batchSize),
            MnliRetrieval.TaskName => new InformationRetrievalEvaluator(name, MnliRetrieval.Build(datasets.Resolve("mnli")), batchSize),
            "retrieval" => new InformationRetrievalEvaluator(name, BeirDataset.Load(request.Data!, request.Split ?? "test"), batchSize),
            "sts" => new EmbeddingSimilarityEvaluator(name, UserEvaluationData.ScoredPairs(request.Data!), batchSize, mtebTaskName: name),
            "pair-classification" => new BinaryClassificationEvaluator(name, UserEvaluationData.LabeledPairs(request.Data!), batchSize),
            "triplet" => new TripletEvaluator(name, UserEvaluationData.Triplets(request.Data!), batchSize),
            "classification" => new FewShotClassificationEvaluator(name,
                UserEvaluationData.LabeledTexts(request.Data!, "train"), UserEvaluationData.LabeledTexts(request.Data!, request.Split ?? "test"),
                batchSize: batchSize, mtebTaskName: name, protocol: request.Protocol),
            _ => throw new EmbedSweepsException($"task {request.Task}: unknown (valid: {string.Join(", ", Names)})."),
        };
        return request.Dims is { Count: > 0 } dims ? new MatryoshkaEvaluator(evaluator, dims) : evaluator;
    }

    // The same rules as a sweep file's evaluation entries, so eval never quietly ignores an option.
    private static void Check(EvaluationRequest request, string task)
    {
        if (!Names.Contains(task)) throw new EmbedSweepsException($"task {request.Task}: unknown (valid: {string.Join(", ", Names)}).");
        if (OnUserData.Contains(task) && request.Data is null)
            throw new EmbedSweepsException($"task {task}: needs data (--data PATH, or data: in the sweep file).");
        if (BuiltIn.Contains(task) && request.Data is not null)
            throw new EmbedSweepsException($"task {task} is built in and takes no data; for your own data use --task sts, retrieval, triplet, pair-classification or classification.");
        if (request.Split is { } split)
        {
            var valid = task switch
            {
                "stsb" => split is "validation" or "test",
                "banking77" => split == "test",
                MnliRetrieval.TaskName => split == "validation_matched",
                "retrieval" or "classification" => true,
                _ => false,
            };
            if (!valid)
                throw new EmbedSweepsException(task is "sts" or "pair-classification" or "triplet"
                    ? $"{SettingNames.Of("split")} applies to stsb, banking77, retrieval and classification, not to {task} (its data is one file)."
                    : $"{SettingNames.Of("split")} {split}: {task} has no such split (stsb: validation or test; banking77: test; mnli-retrieval: validation_matched).");
        }
        if (request.Name is not null && !System.Text.RegularExpressions.Regex.IsMatch(request.Name, "^[a-z][a-z0-9_]{0,62}$"))
            throw new EmbedSweepsException($"{SettingNames.Of("name")} {request.Name}: must be lower-case letters, digits and '_', starting with a letter (it prefixes metric names).");
    }

    private static FewShotClassificationEvaluator Banking77(EvaluationRequest request, DatasetResolver datasets, string name, int batchSize)
    {
        if (request.Split is not null && request.Split != "test")
            throw new EmbedSweepsException($"split {request.Split}: Banking77Classification is scored on the test split only (MTEB's protocol).");
        var folder = datasets.Resolve("banking77");
        return new FewShotClassificationEvaluator(name, EvaluationData.LabeledTexts(folder, "train"), EvaluationData.LabeledTexts(folder, "test"),
            batchSize: batchSize, protocol: request.Protocol);
    }

    // Metric names are lower-case letters, digits and underscores.
    private static string Sanitise(string name)
    {
        var cleaned = new string(name.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray()).Trim('_');
        return cleaned.Length == 0 ? "data" : cleaned;
    }
}
