package dev.runnel.connect;
