/** Placeholder until the first class of this module lands. */
package dev.junction.driver;
