package dev.junction.it.spring;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** A web application with nothing Junction-specific in its code: Junction comes with one dependency and a URL. */
@SpringBootApplication
public class PortsApplication {}
