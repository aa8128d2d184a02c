"""Decoding and probing: sniffing, images, video frames and keyframes, audio to 16 kHz mono."""
