using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CoupleGen.Models;

/// <summary>Layer factories and the weight initialization shared by the generator and discriminator (pix2pix's networks.py).</summary>
internal static class Layers
{
    private static readonly double[] Doubling = { 2.0, 2.0 };

    /// <summary>The channels a pixel shuffle by 2 turns into one output channel's 2x2 block.</summary>
    private const long SubPixels = 4;

    /// <summary>Convolutions followed by batch norm carry no bias (the norm's shift replaces it); with instance norm they do.</summary>
    public static bool ConvolutionHasBias(NormalizationKind normalization) => normalization == NormalizationKind.Instance;

    public static nn.Module<Tensor, Tensor> Norm(NormalizationKind normalization, long features) => normalization switch
    {
        NormalizationKind.Batch => nn.BatchNorm2d(features, affine: true, track_running_stats: true),
        NormalizationKind.Instance => nn.InstanceNorm2d(features, affine: false, track_running_stats: false),
        _ => throw new ArgumentOutOfRangeException(nameof(normalization), normalization, "Unknown normalization."),
    };

    public static Conv2d Down(long inChannels, long outChannels, bool bias) =>
        nn.Conv2d(inChannels, outChannels, kernel_size: 4, stride: 2, padding: 1, bias: bias);

    /// <summary>The layers that double the image size: one transposed convolution, or an upsampling and a 3x3 convolution.</summary>
    public static IEnumerable<nn.Module<Tensor, Tensor>> Up(long inChannels, long outChannels, bool bias, UnetUpsampling upsampling) => upsampling switch
    {
        UnetUpsampling.TransposedConvolution => new nn.Module<Tensor, Tensor>[] { nn.ConvTranspose2d(inChannels, outChannels, kernel_size: 4, stride: 2, padding: 1, bias: bias) },
        UnetUpsampling.ResizeConvolution => new nn.Module<Tensor, Tensor>[]
        {
            nn.Upsample(scale_factor: Doubling, mode: UpsampleMode.Nearest),
            nn.Conv2d(inChannels, outChannels, kernel_size: 3, stride: 1, padding: 1, bias: bias),
        },
        UnetUpsampling.PixelShuffle => new nn.Module<Tensor, Tensor>[]
        {
            SubPixelConvolution(nn.Conv2d(inChannels, outChannels * SubPixels, kernel_size: 3, stride: 1, padding: 1, bias: bias)),
            nn.PixelShuffle(2),
        },
        _ => throw new ArgumentOutOfRangeException(nameof(upsampling), upsampling, "Unknown upsampling."),
    };

    /// <summary>
    /// ICNR (Aitken et al. 2017): gives the four output channels that a pixel shuffle turns into one 2x2 block
    /// one kernel and bias (drawn as the convolution's own initialisation drew them), so each block starts flat.
    /// Returns <paramref name="convolution"/>.
    /// </summary>
    public static Conv2d SubPixelConvolution(Conv2d convolution)
    {
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        Tensor weight = convolution.weight!;
        weight.copy_(weight.narrow(0, 0, weight.shape[0] / SubPixels).repeat_interleave(SubPixels, dim: 0));
        if (convolution.bias is { } bias)
        {
            bias.copy_(bias.narrow(0, 0, bias.shape[0] / SubPixels).repeat_interleave(SubPixels, dim: 0));
        }

        return convolution;
    }

    /// <summary>Counts the trainable parameters of any module.</summary>
    public static long CountParameters(nn.Module module)
    {
        long count = 0;
        foreach (var parameter in module.parameters())
        {
            count += parameter.numel();
        }

        return count;
    }

    /// <summary>pix2pix's <c>init_weights(init_type='normal', init_gain=0.02)</c>: conv weights N(0, 0.02), biases 0, norm scales N(1, 0.02).</summary>
    public static void InitializeWeights(nn.Module module)
    {
        using var noGrad = torch.no_grad();
        foreach (var (_, child) in module.named_modules())
        {
            switch (child)
            {
                case Conv2d conv:
                    nn.init.normal_(conv.weight!, 0.0, 0.02);
                    if (conv.bias is { } convBias)
                    {
                        nn.init.zeros_(convBias);
                    }

                    break;
                case ConvTranspose2d deconv:
                    nn.init.normal_(deconv.weight!, 0.0, 0.02);
                    if (deconv.bias is { } deconvBias)
                    {
                        nn.init.zeros_(deconvBias);
                    }

                    break;
                case BatchNorm2d norm:
                    nn.init.normal_(norm.weight!, 1.0, 0.02);
                    nn.init.zeros_(norm.bias!);
                    break;
            }
        }

        // The sub-pixel convolutions were just drawn like the others; ICNR ties their blocks again.
        foreach (var sequential in module.modules().OfType<Sequential>())
        {
            var layers = sequential.children().ToList();
            for (int i = 0; i + 1 < layers.Count; i++)
            {
                if (layers[i] is Conv2d convolution && layers[i + 1] is PixelShuffle)
                {
                    SubPixelConvolution(convolution);
                }
            }
        }
    }
}
