using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using CoupleGen.Errors;
using CoupleGen.Weights;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CoupleGen.Training.Optimizers;

/// <summary>
/// Adam exactly as <c>torch.optim.Adam</c> (no weight decay, no AMSGrad) computes it:
/// <c>m = b1 m + (1 - b1) g</c>, <c>v = b2 v + (1 - b2) g^2</c>,
/// <c>w -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)</c>.
/// TorchSharp's own Adam is not used because it passes temporary Scalars to native calls, which the
/// garbage collector can finalize mid-call: a long training run crashed in its <c>addcdiv_</c> with
/// "toFloat: Expected false to be true". Here every Scalar lives until the call returns. Where libtorch has
/// its fused kernel (<see cref="FusedAdam"/>), one step is one pass over the weights, about 3x faster.
/// </summary>
internal sealed class AdamOptimizer : IStepOptimizer
{
    private const double Epsilon = 1e-8;
    private readonly Parameter[] parameters;
    private readonly Tensor[] firstMoments;
    private readonly Tensor[] secondMoments;
    private readonly double beta1;
    private readonly double beta2;
    private readonly Tensor learningRateTensor = torch.zeros(Array.Empty<long>(), ScalarType.Float64);
    private readonly Tensor stepTensor = torch.zeros(Array.Empty<long>());
    private bool fused = true;

    public AdamOptimizer(IEnumerable<Parameter> parameters, double learningRate, double beta1, double beta2)
    {
        this.parameters = parameters.ToArray();
        LearningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        firstMoments = this.parameters.Select(p => torch.zeros_like(p).detach()).ToArray();
        secondMoments = this.parameters.Select(p => torch.zeros_like(p).detach()).ToArray();
    }

    public double LearningRate { get; set; }

    /// <summary>Gets the number of steps taken (PyTorch's per-parameter <c>step</c>, equal for all here).</summary>
    public long Steps { get; private set; }

    /// <summary>Gets a value indicating whether the last step ran libtorch's fused kernel.</summary>
    internal bool UsesFusedKernel => fused && Steps > 0;

    public void ZeroGrad() => OptimizerState.ZeroGradients(parameters);

    public void Step()
    {
        Steps++;
        using var noGrad = torch.no_grad();
        if (fused && StepFused())
        {
            return;
        }

        double correction1 = 1 - Math.Pow(beta1, Steps);
        double correction2Root = Math.Sqrt(1 - Math.Pow(beta2, Steps));
        using Scalar negativeStepSize = (-LearningRate / correction1).ToScalar();
        using Scalar correction2RootScalar = correction2Root.ToScalar();
        Scalar beta1Scalar = Native.Scalars.Of(beta1);
        Scalar oneMinusBeta1 = Native.Scalars.Of(1 - beta1);
        Scalar beta2Scalar = Native.Scalars.Of(beta2);
        Scalar oneMinusBeta2 = Native.Scalars.Of(1 - beta2);
        Scalar epsilon = Native.Scalars.Of(Epsilon);

        for (int i = 0; i < parameters.Length; i++)
        {
            // Inside the scope: TorchSharp returns a new wrapper for every read of .grad.
            using var scope = NewDisposeScope();
            Tensor? gradient = parameters[i].grad;
            if (gradient is null)
            {
                continue;
            }

            firstMoments[i].mul_(beta1Scalar).add_(gradient, alpha: oneMinusBeta1);
            secondMoments[i].mul_(beta2Scalar).addcmul_(gradient, gradient, value: oneMinusBeta2);
            Tensor denominator = secondMoments[i].sqrt().div_(correction2RootScalar).add_(epsilon);
            parameters[i].addcdiv_(firstMoments[i], denominator, value: negativeStepSize);
        }
    }

    /// <summary>The same step through libtorch's fused kernel; false (and never again) where it is missing.</summary>
    private bool StepFused()
    {
        using var scope = NewDisposeScope();
        var withGradients = parameters.Select((parameter, index) => (Parameter: parameter, Index: index, Gradient: parameter.grad)).Where(p => p.Gradient is not null).ToArray();
        if (withGradients.Length == 0)
        {
            return true;
        }

        // The step and rate tensors live on the CPU; other devices keep the element-wise path.
        if (withGradients[0].Parameter.device.type != DeviceType.CPU)
        {
            fused = false;
            return false;
        }

        using (Scalar rate = LearningRate.ToScalar())
        using (Scalar step = ((double)Steps).ToScalar())
        {
            learningRateTensor.fill_(rate);
            stepTensor.fill_(step);
        }

        // The kernel only reads the step counts, so one tensor serves every parameter.
        fused = FusedAdam.TryStep(
            withGradients.Select(p => (Tensor)p.Parameter).ToArray(),
            withGradients.Select(p => p.Gradient!).ToArray(),
            withGradients.Select(p => firstMoments[p.Index]).ToArray(),
            withGradients.Select(p => secondMoments[p.Index]).ToArray(),
            withGradients.Select(_ => stepTensor).ToArray(),
            learningRateTensor,
            beta1,
            beta2,
            Epsilon);
        return fused;
    }

    public void Save(Stream stream)
    {
        using Tensor steps = torch.tensor(Steps);
        var named = new Dictionary<string, Tensor>(StringComparer.Ordinal) { ["step"] = steps };
        for (int i = 0; i < parameters.Length; i++)
        {
            string index = i.ToString(CultureInfo.InvariantCulture);
            named["exp_avg." + index] = firstMoments[i];
            named["exp_avg_sq." + index] = secondMoments[i];
        }

        SafeTensors.Write(stream, named);
    }

    public void Load(Stream stream, string checkpointPath) => OptimizerState.Load(stream, checkpointPath, "Adam", loaded =>
    {
        if (loaded.Count != 1 + (2 * parameters.Length) || !loaded.TryGetValue("step", out Tensor? steps) || steps.numel() != 1)
        {
            throw new CheckpointException(checkpointPath, $"the Adam state has {loaded.Count} tensors; a model with {parameters.Length} parameters needs {1 + (2 * parameters.Length)}.");
        }

        var pending = new List<(Tensor Target, Tensor Value)>();
        for (int i = 0; i < parameters.Length; i++)
        {
            string index = i.ToString(CultureInfo.InvariantCulture);
            foreach (var (name, target) in new[] { ("exp_avg." + index, firstMoments[i]), ("exp_avg_sq." + index, secondMoments[i]) })
            {
                if (!loaded.TryGetValue(name, out Tensor? value) || !value.shape.SequenceEqual(target.shape))
                {
                    throw new CheckpointException(checkpointPath, $"the Adam state '{name}' is missing or has the wrong shape for parameter {i}.");
                }

                pending.Add((target, value));
            }
        }

        using var noGrad = torch.no_grad();
        foreach (var (target, value) in pending)
        {
            target.copy_(value);
        }

        Steps = steps.to_type(ScalarType.Int64).item<long>();
    });

    public void Dispose()
    {
        foreach (var tensor in firstMoments.Concat(secondMoments))
        {
            tensor.Dispose();
        }

        learningRateTensor.Dispose();
        stepTensor.Dispose();
    }
}
