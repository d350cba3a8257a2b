/** The Java client: {@code Producer}, {@code Consumer}, {@code Admin} (DESIGN §8). Depends on {@code proto} only. */
package io.fjord.client;
