using System.Text.Json.Nodes;
using EmbedSweeps.Embeddings.IO;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EmbedSweeps.Embeddings.Models;

/// <summary>
/// sentence-transformers' <c>Dense</c> module: sentence embedding [batch, in] → activation(linear(x)) [batch, out].
/// Its folder holds <c>config.json</c> (<c>in_features</c>, <c>out_features</c>, <c>bias</c>,
/// <c>activation_function</c> as a Python class path such as <c>torch.nn.modules.activation.Tanh</c>) and the
/// weights <c>linear.weight</c> [out, in] and <c>linear.bias</c> [out] (model.safetensors or pytorch_model.bin).
/// </summary>
public sealed class DenseModule : nn.Module<Tensor, Tensor>
{
    private static readonly Dictionary<string, (string Module, Func<Tensor, Tensor> Apply)> ActivationsByName = new()
    {
        ["Identity"] = ("torch.nn.modules.linear", x => x.alias()),
        ["Tanh"] = ("torch.nn.modules.activation", x => x.tanh()),
        ["ReLU"] = ("torch.nn.modules.activation", x => nn.functional.relu(x)),
        ["GELU"] = ("torch.nn.modules.activation", x => nn.functional.gelu(x)),
        ["Sigmoid"] = ("torch.nn.modules.activation", x => x.sigmoid()),
        ["SiLU"] = ("torch.nn.modules.activation", x => nn.functional.silu(x)),
    };

    private readonly Linear linear;
    private readonly Func<Tensor, Tensor> activate;

    private DenseModule(int inFeatures, int outFeatures, bool bias, string activation) : base(nameof(DenseModule))
    {
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Bias = bias;
        Activation = activation;
        linear = nn.Linear(inFeatures, outFeatures, hasBias: bias);
        activate = ActivationsByName[activation].Apply;
        RegisterComponents();
    }

    public int InFeatures { get; }
    public int OutFeatures { get; }
    public bool Bias { get; }

    /// <summary>The activation's class name (Tanh, Identity, …).</summary>
    public string Activation { get; }

    /// <summary>
    /// Loads the module in <paramref name="folder"/>, which must take <paramref name="inputWidth"/> values (what the
    /// module before it outputs); errors name the file and what to change. Nothing is allocated before the config and
    /// the weights' shapes agree.
    /// </summary>
    public static DenseModule Load(string folder, int inputWidth)
    {
        var configPath = Path.Combine(folder, "config.json");
        var raw = JsonFiles.ReadObject(configPath);
        int inFeatures, outFeatures;
        bool bias;
        string activationPath;
        try
        {
            inFeatures = raw["in_features"]?.GetValue<int>() ?? throw new EmbedSweepsException($"{configPath}: \"in_features\" is missing.");
            outFeatures = raw["out_features"]?.GetValue<int>() ?? throw new EmbedSweepsException($"{configPath}: \"out_features\" is missing.");
            bias = raw["bias"]?.GetValue<bool>() ?? true;
            activationPath = raw["activation_function"]?.GetValue<string>() ?? "torch.nn.modules.activation.Tanh"; // Dense's default
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new EmbedSweepsException($"{configPath}: a Dense setting has the wrong type ({e.Message}).", e);
        }
        if (inFeatures != inputWidth)
            throw new EmbedSweepsException($"{configPath}: in_features is {inFeatures} but the module before it outputs {inputWidth} values.");
        if (outFeatures < 1)
            throw new EmbedSweepsException($"{configPath}: out_features must be positive, not {outFeatures}.");
        var activation = activationPath.Split('.')[^1];
        if (!ActivationsByName.ContainsKey(activation))
            throw new EmbedSweepsException(
                $"{configPath}: activation_function \"{activationPath}\" is not supported (supported: {string.Join(", ", ActivationsByName.Keys)} from torch.nn).");

        var weights = ModelWeights.Load(folder);
        try
        {
            var expected = new Dictionary<string, long[]> { ["linear.weight"] = [outFeatures, inFeatures] };
            if (bias) expected["linear.bias"] = [outFeatures];
            foreach (var name in weights.Keys.Where(k => !expected.ContainsKey(k)))
                throw new EmbedSweepsException($"{folder}: the Dense weights have a tensor \"{name}\" that config.json has no place for (expected {string.Join(", ", expected.Keys)}).");
            foreach (var (name, shape) in expected)
            {
                if (!weights.TryGetValue(name, out var tensor))
                    throw new EmbedSweepsException($"{folder}: the Dense weights lack \"{name}\".");
                if (!tensor.shape.SequenceEqual(shape))
                    throw new EmbedSweepsException(
                        $"{folder}: {name} has shape [{string.Join(", ", tensor.shape)}] but config.json implies [{string.Join(", ", shape)}].");
            }

            var module = new DenseModule(inFeatures, outFeatures, bias, activation);
            using var _ = no_grad();
            foreach (var (name, parameter) in module.named_parameters())
            {
                using var converted = weights[name].to_type(parameter.dtype);
                parameter.copy_(converted);
            }
            return module;
        }
        finally
        {
            foreach (var tensor in weights.Values) tensor.Dispose();
        }
    }

    /// <summary>Writes config.json and model.safetensors as sentence-transformers does.</summary>
    public void Save(string folder)
    {
        Directory.CreateDirectory(folder);
        var config = new JsonObject
        {
            ["in_features"] = InFeatures,
            ["out_features"] = OutFeatures,
            ["bias"] = Bias,
            ["activation_function"] = $"{ActivationsByName[Activation].Module}.{Activation}",
        };
        File.WriteAllText(Path.Combine(folder, "config.json"), config.ToJsonString(JsonFiles.Indented));
        Safetensors.Save(Path.Combine(folder, Safetensors.FileName),
            named_parameters().Select(p => new KeyValuePair<string, Tensor>(p.name, p.parameter.detach())));
    }

    public override Tensor forward(Tensor input)
    {
        using var projected = linear.forward(input);
        return activate(projected);
    }
}
