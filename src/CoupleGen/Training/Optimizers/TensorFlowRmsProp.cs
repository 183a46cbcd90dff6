using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using CoupleGen.Errors;
using CoupleGen.Weights;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CoupleGen.Training.Optimizers;

/// <summary>
/// TensorFlow 1's <c>tf.train.RMSPropOptimizer</c> without momentum, as the original CoupleGenerator
/// used it: <c>ms = decay * ms + (1 - decay) * g^2</c>, <c>w -= lr * g / sqrt(ms + epsilon)</c>, with
/// <c>ms</c> starting at 1 (not 0, and epsilon inside the root, unlike PyTorch's RMSprop).
/// </summary>
internal sealed class TensorFlowRmsProp : IStepOptimizer
{
    private readonly Parameter[] parameters;
    private readonly Tensor[] meanSquares;

    public TensorFlowRmsProp(IEnumerable<Parameter> parameters, double learningRate, double decay, double epsilon)
    {
        this.parameters = parameters.ToArray();
        LearningRate = learningRate;
        Decay = decay;
        Epsilon = epsilon;
        meanSquares = this.parameters.Select(p => torch.ones_like(p).detach()).ToArray();
    }

    public double LearningRate { get; set; }

    public double Decay { get; }

    public double Epsilon { get; }

    /// <summary>Gets the running mean squares, for tests.</summary>
    internal IReadOnlyList<Tensor> MeanSquares => meanSquares;

    public void ZeroGrad() => OptimizerState.ZeroGradients(parameters);

    public void Step()
    {
        using var noGrad = torch.no_grad();
        for (int i = 0; i < parameters.Length; i++)
        {
            using var scope = NewDisposeScope();
            Tensor? gradient = parameters[i].grad;
            if (gradient is null)
            {
                continue;
            }

            meanSquares[i].mul_(Native.Scalars.Of(Decay)).addcmul_(gradient, gradient, value: Native.Scalars.Of(1 - Decay));
            parameters[i].sub_(gradient.mul(Native.Scalars.Of(LearningRate)).div(meanSquares[i].add(Native.Scalars.Of(Epsilon), Native.Scalars.One).sqrt()));
        }
    }

    public void Save(Stream stream)
    {
        var named = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        for (int i = 0; i < meanSquares.Length; i++)
        {
            named[i.ToString(System.Globalization.CultureInfo.InvariantCulture)] = meanSquares[i];
        }

        SafeTensors.Write(stream, named);
    }

    public void Load(Stream stream, string checkpointPath) => OptimizerState.Load(stream, checkpointPath, "RMSProp", loaded =>
    {
        if (loaded.Count != meanSquares.Length)
        {
            throw new CheckpointException(checkpointPath, $"the RMSProp state has {loaded.Count} tensors; the model has {meanSquares.Length} parameters.");
        }

        using var noGrad = torch.no_grad();
        for (int i = 0; i < meanSquares.Length; i++)
        {
            Tensor value = loaded[i.ToString(System.Globalization.CultureInfo.InvariantCulture)];
            if (!value.shape.SequenceEqual(meanSquares[i].shape))
            {
                throw new CheckpointException(checkpointPath, $"RMSProp state tensor {i} has the wrong shape.");
            }

            meanSquares[i].copy_(value);
        }
    });

    public void Dispose()
    {
        foreach (var tensor in meanSquares)
        {
            tensor.Dispose();
        }
    }
}
