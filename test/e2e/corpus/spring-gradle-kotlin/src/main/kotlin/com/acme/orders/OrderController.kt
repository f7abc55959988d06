package com.acme.orders

import org.springframework.cache.annotation.Cacheable
import org.springframework.web.bind.annotation.GetMapping
import org.springframework.web.bind.annotation.PathVariable
import org.springframework.web.bind.annotation.RequestMapping
import org.springframework.web.bind.annotation.RestController

@RestController
@RequestMapping("/api/orders")
class OrderController(private val orders: OrderRepository) {

	@GetMapping
	fun list(): List<Order> = orders.findAll()

	@GetMapping("/{id}")
	@Cacheable("orders")
	fun one(@PathVariable id: Long): Order? = orders.findById(id).orElse(null)
}
