using System;
using System.Collections.Generic;
using System.Linq;
using CoupleGen.Errors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CoupleGen.Models.ResNet;

/// <summary>
/// A trainable ResNet (basic blocks) as a U-Net's encoder: torchvision's <c>conv1</c>, <c>bn1</c>, <c>layer1</c> ...
/// <c>layer4</c>, returning the stem and every stage (1/2 ... 1/32 of the input). Channels after the first three (a
/// condition such as the partner-sex plane) enter <c>conv1</c> unnormalized; their kernels start at zero when
/// ImageNet weights are loaded, so the pretrained features are unchanged until training uses them.
/// </summary>
internal sealed class ResNetEncoder : nn.Module<Tensor, Tensor[]>
{
    /// <summary>The channels of the stem and of layer1 ... layer4.</summary>
    public static readonly long[] StageChannels = { 64, 64, 128, 256, 512 };

    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly MaxPool2d maxpool;
    private readonly Sequential layer1;
    private readonly Sequential layer2;
    private readonly Sequential layer3;
    private readonly Sequential layer4;
    private readonly ResNetInputConvention convention;

    public ResNetEncoder(long inputChannels, IReadOnlyList<int> blocksPerStage, ResNetInputConvention convention)
        : base(nameof(ResNetEncoder))
    {
        this.convention = convention;
        conv1 = nn.Conv2d(inputChannels, 64, kernel_size: 7, stride: 2, padding: 3, bias: false);
        bn1 = nn.BatchNorm2d(64);
        maxpool = nn.MaxPool2d(kernel_size: 3, stride: 2, padding: 1);
        layer1 = ResNetBasicBlock.Stage(64, 64, 1, blocksPerStage[0]);
        layer2 = ResNetBasicBlock.Stage(64, 128, 2, blocksPerStage[1]);
        layer3 = ResNetBasicBlock.Stage(128, 256, 2, blocksPerStage[2]);
        layer4 = ResNetBasicBlock.Stage(256, 512, 2, blocksPerStage[3]);
        RegisterComponents();
    }

    /// <summary>Returns the stem (after conv1, bn1, ReLU) and the outputs of layer1 ... layer4.</summary>
    /// <param name="input">[N, C, H, W]: RGB in [-1, 1], then any condition channels.</param>
    public override Tensor[] forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor rgb = ResNetFeatures.Normalize(input[.., ..3], convention, inputInMinusOneToOne: true);
        Tensor x = input.shape[1] > 3 ? torch.cat(new[] { rgb, input[.., 3..] }, 1) : rgb;
        Tensor stem = nn.functional.relu(bn1.call(ConvolutionOverrides.Call(conv1, x)));
        Tensor s1 = layer1.call(maxpool.call(stem));
        Tensor s2 = layer2.call(s1);
        Tensor s3 = layer3.call(s2);
        Tensor s4 = layer4.call(s3);
        return Array.ConvertAll(new[] { stem, s1, s2, s3, s4 }, stage => stage.MoveToOuterDisposeScope());
    }

    /// <summary>Copies a pretrained ResNet's weights in; condition channels of <c>conv1</c> start at zero.</summary>
    /// <exception cref="InvalidWeightsException">The pretrained network's stages differ from this encoder's.</exception>
    public void LoadPretrained(ResNetFeatures pretrained, string source)
    {
        using var noGrad = torch.no_grad();
        var weights = pretrained.state_dict();
        foreach (var (key, tensor) in state_dict())
        {
            if (!weights.TryGetValue(key, out Tensor? value))
            {
                throw new InvalidWeightsException(source, $"the pretrained ResNet has no '{key}' for the encoder; its blocks per stage differ from the encoder's.");
            }

            bool extraInputs = key == "conv1.weight" && tensor.shape[1] > value.shape[1];
            long[] fits = extraInputs ? tensor.shape.Select((size, axis) => axis == 1 ? value.shape[1] : size).ToArray() : tensor.shape;
            if (!value.shape.SequenceEqual(fits))
            {
                throw new InvalidWeightsException(source, $"the pretrained ResNet's '{key}' is [{string.Join(", ", value.shape)}], the encoder's [{string.Join(", ", tensor.shape)}]; only full-width ResNet18/34 weights fit.");
            }

            if (extraInputs)
            {
                tensor.zero_();
                tensor.narrow(1, 0, value.shape[1]).copy_(value);
            }
            else
            {
                tensor.copy_(value);
            }
        }
    }

    /// <summary>Puts every batch norm of the encoder in evaluation mode (the pretrained statistics stay as they are).</summary>
    public void FreezeStatistics()
    {
        foreach (var module in modules())
        {
            if (module is BatchNorm2d norm)
            {
                norm.eval();
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            conv1.Dispose();
            bn1.Dispose();
            maxpool.Dispose();
            layer1.Dispose();
            layer2.Dispose();
            layer3.Dispose();
            layer4.Dispose();
        }

        base.Dispose(disposing);
    }
}
