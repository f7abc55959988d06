package com.acme.orders

import jakarta.persistence.Entity
import jakarta.persistence.GeneratedValue
import jakarta.persistence.Id
import jakarta.persistence.Table
import org.springframework.data.jpa.repository.JpaRepository

@Entity
@Table(name = "orders")
class Order(
	@Id @GeneratedValue var id: Long? = null,
	var customer: String = "",
	var totalCents: Long = 0,
)

interface OrderRepository : JpaRepository<Order, Long>
